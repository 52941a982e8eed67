// Fixed-window counters keyed by purpose and device. One implementation per
// runtime: in memory on Node; a Durable Object can hold them on Workers.
export interface RateLimiter {
  /** Counts one hit and says whether it is within `limit` per `windowSeconds`. */
  hit(key: string, limit: number, windowSeconds: number): Promise<boolean>;
}

interface Window {
  end: number;
  limit: number;
  count: number;
}

export function memoryRateLimiter(now: () => number = () => Date.now() / 1000, maxKeys = 100_000): RateLimiter {
  const windows = new Map<string, Window>();
  const evictWhere = (drop: (w: Window) => boolean) => {
    for (const [k, w] of windows) if (drop(w)) windows.delete(k);
  };
  return {
    async hit(key, limit, windowSeconds) {
      const t = now();
      let w = windows.get(key);
      if (!w || t >= w.end) {
        if (windows.size >= maxKeys) {
          // Bounded memory. First drop finished windows; then the ones still under their
          // limit (forgetting them only forgives a partial count); a window that is refusing
          // someone (a flood, or a server-wide cap) is kept unless every one of them is.
          evictWhere((v) => t >= v.end);
          if (windows.size >= maxKeys) evictWhere((v) => v.count < v.limit);
          if (windows.size >= maxKeys) windows.clear();
        }
        w = { end: t + windowSeconds, limit, count: 0 };
        windows.set(key, w);
      }
      w.count++;
      return w.count <= limit;
    },
  };
}
