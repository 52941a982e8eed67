// The retry schedule shared by the live socket and the outbox's HTTP retries.
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../client/sdk/backoff';

const range = { minMs: 100, maxMs: 5_000 };

describe('backoff', () => {
  it('doubles from the minimum and stops at the maximum', () => {
    const top = (n: number) => backoffDelay(n, range, () => 1);
    expect([0, 1, 2, 3, 4, 5, 6, 20].map(top)).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
  });

  it('is jittered to between half and all of that delay', () => {
    expect(backoffDelay(3, range, () => 0)).toBe(400);
    expect(backoffDelay(3, range, () => 0.5)).toBe(600);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(i % 10, range);
      const full = Math.min(range.maxMs, range.minMs * 2 ** (i % 10));
      expect(d).toBeGreaterThanOrEqual(full / 2);
      expect(d).toBeLessThanOrEqual(full);
    }
  });
});
