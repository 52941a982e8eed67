import { describe, expect, it } from 'vitest';
import { memoryRateLimiter } from '../../server/rate-limiter';

describe('memory rate limiter', () => {
  it('allows the limit per window per key, then refuses until the window passes', async () => {
    let t = 0;
    const limiter = memoryRateLimiter(() => t);
    const hits = async (key: string, n: number) =>
      Promise.all(Array.from({ length: n }, () => limiter.hit(key, 3, 60)));
    expect(await hits('k', 4)).toEqual([true, true, true, false]);
    expect(await limiter.hit('other', 3, 60)).toBe(true);
    t = 60;
    expect(await limiter.hit('k', 3, 60)).toBe(true);
  });

  it('keeps memory bounded by the key limit, forgetting windows that refuse nobody first', async () => {
    let t = 0;
    const limiter = memoryRateLimiter(() => t, 10);
    expect(await limiter.hit('global', 1, 600)).toBe(true);
    expect(await limiter.hit('global', 1, 600)).toBe(false); // a cap that is refusing
    for (let i = 0; i < 9; i++) await limiter.hit(`k${i}`, 5, 60); // under their limit
    t = 30;
    await limiter.hit('overflow', 1, 60); // the 11th key: every window is live
    expect(await limiter.hit('global', 1, 600)).toBe(false); // still refusing
    expect(await limiter.hit('k0', 1, 60)).toBe(true); // forgotten: a fresh window
  });

  it('each window ends by its own length, not by the length of the hit that evicts', async () => {
    let t = 0;
    const limiter = memoryRateLimiter(() => t, 2);
    await limiter.hit('long', 1, 600);
    await limiter.hit('long', 1, 600);
    await limiter.hit('short', 1, 10);
    await limiter.hit('short', 1, 10);
    t = 20; // 'short' has ended, 'long' has not
    await limiter.hit('new', 1, 10);
    expect(await limiter.hit('long', 1, 600)).toBe(false);
  });

  it('clears everything only when every live window is refusing', async () => {
    const t = 0;
    const limiter = memoryRateLimiter(() => t, 2);
    for (const k of ['a', 'b']) {
      await limiter.hit(k, 1, 60);
      await limiter.hit(k, 1, 60);
    }
    await limiter.hit('c', 1, 60);
    expect(await limiter.hit('a', 1, 60)).toBe(true);
  });
});
