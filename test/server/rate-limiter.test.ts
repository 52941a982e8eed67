import { describe, expect, it } from 'vitest';
import { memoryRateLimiter } from '../../server/rate-limiter';

describe('memory rate limiter', () => {
  it('allows the limit per window per key, then refuses until the window passes', async () => {
    let t = 0;
    const limiter = memoryRateLimiter(() => t);
    const hits = async (key: string, n: number) => Promise.all(Array.from({ length: n }, () => limiter.hit(key, 3, 60)));
    expect(await hits('k', 4)).toEqual([true, true, true, false]);
    expect(await limiter.hit('other', 3, 60)).toBe(true);
    t = 60;
    expect(await limiter.hit('k', 3, 60)).toBe(true);
  });

  it('keeps memory bounded by the key limit', async () => {
    let t = 0;
    const limiter = memoryRateLimiter(() => t, 10);
    expect(await limiter.hit('first', 1, 60)).toBe(true);
    expect(await limiter.hit('first', 1, 60)).toBe(false);
    for (let i = 0; i < 9; i++) await limiter.hit(`k${i}`, 1, 60);
    t = 30;
    await limiter.hit('overflow', 1, 60); // the 11th key: all windows live, so the map is reset
    expect(await limiter.hit('first', 1, 60)).toBe(true);
  });
});
