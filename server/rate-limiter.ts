// Fixed-window counters keyed by purpose and device. One implementation per
// runtime: in memory on Node; a Durable Object can hold them on Workers.
export interface RateLimiter {
  /** Counts one hit and says whether it is within `limit` per `windowSeconds`. */
  hit(key: string, limit: number, windowSeconds: number): Promise<boolean>;
}

export function memoryRateLimiter(now: () => number = () => Date.now() / 1000, maxKeys = 100_000): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    async hit(key, limit, windowSeconds) {
      const t = now();
      let w = windows.get(key);
      if (!w || t - w.start >= windowSeconds) {
        if (windows.size >= maxKeys) {
          // Bounded memory: drop finished windows; if all are live, forgive everyone rather than grow.
          for (const [k, v] of windows) if (t - v.start >= windowSeconds) windows.delete(k);
          if (windows.size >= maxKeys) windows.clear();
        }
        w = { start: t, count: 0 };
        windows.set(key, w);
      }
      w.count++;
      return w.count <= limit;
    },
  };
}
