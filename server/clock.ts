export interface Clock {
  /** Unix time in whole seconds. */
  now(): number;
}

export function systemClock(skewSeconds = 0): Clock {
  return { now: () => Math.floor(Date.now() / 1000) + skewSeconds };
}

export const dayOf = (unixSeconds: number): number => Math.floor(unixSeconds / 86_400);
/** Server timestamps are coarse (P12): an hour is all a reader needs. */
export const hourOf = (unixSeconds: number): number => Math.floor(unixSeconds / 3600) * 3600;
