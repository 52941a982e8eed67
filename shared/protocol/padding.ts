// Envelope sizes on the wire: every stored message or bulletin is exactly one
// of these lengths, so the server learns only a coarse size class (P12).
export const ENVELOPE_BUCKETS = [256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536] as const;
export const MAX_ENVELOPE_BYTES = ENVELOPE_BUCKETS[ENVELOPE_BUCKETS.length - 1]!;

export function isBucketLength(n: number): boolean {
  return (ENVELOPE_BUCKETS as readonly number[]).includes(n);
}

/** The smallest bucket that holds n bytes, or null if none does. */
export function bucketFor(n: number): number | null {
  return ENVELOPE_BUCKETS.find((b) => b >= n) ?? null;
}
