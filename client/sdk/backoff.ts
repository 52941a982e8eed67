// How long to wait before the next try: exponential from `minMs`, capped at
// `maxMs`, and jittered to between half and all of that, so clients that lost
// the server together do not all come back in the same instant. One schedule
// for the live socket's reconnects and the outbox's HTTP retries.

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Backoff {
  minMs: number;
  maxMs: number;
}

/** The delay before try number `attempt + 1` (attempt 0 is the first retry). */
export function backoffDelay(attempt: number, { minMs, maxMs }: Backoff, random: () => number = Math.random): number {
  return Math.min(maxMs, minMs * 2 ** attempt) * (0.5 + random() / 2);
}
