// Which sender counters this device knows were sent but has not read, per
// `${epoch}:${sender}`, as inclusive ranges. A gap opens when a counter jumps or
// an epoch-check claims more than was read, and closes when the missing
// message arrives (a relay that restarted can store posts out of counter
// order: that is no loss). Only what is still open after catch-up is shown (P7).

/** Inclusive [first, last] ranges of missing counters, ascending. */
export type MissingRanges = [number, number][];

/** Holes remembered per sender and epoch; past this the oldest are merged into one. */
const MAX_RANGES = 64;

export interface OpenGap {
  epoch: number;
  sender: string;
  /** how many messages are missing */
  missing: number;
  /** nothing at all was read from this sender in that epoch though others saw her post: the server hides her */
  hidden: boolean;
}

/** Marks counters first..last as missing. */
export function addMissing(all: Record<string, MissingRanges>, key: string, first: number, last: number): void {
  if (last < first) return;
  const ranges = [...(all[key] ?? []), [first, last] as [number, number]].sort((a, b) => a[0] - b[0]);
  const merged: MissingRanges = [];
  for (const r of ranges) {
    const top = merged[merged.length - 1];
    if (top && r[0] <= top[1] + 1) top[1] = Math.max(top[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  while (merged.length > MAX_RANGES) merged.splice(0, 2, [merged[0]![0], merged[1]![1]]);
  all[key] = merged;
}

/** A counter arrived: returns true when it was missing (and is no longer). */
export function fillMissing(all: Record<string, MissingRanges>, key: string, counter: number): boolean {
  const ranges = all[key];
  const i = ranges?.findIndex(([a, b]) => a <= counter && counter <= b) ?? -1;
  if (!ranges || i < 0) return false;
  const [a, b] = ranges[i]!;
  const split: MissingRanges = [];
  if (a < counter) split.push([a, counter - 1]);
  if (counter < b) split.push([counter + 1, b]);
  ranges.splice(i, 1, ...split);
  if (ranges.length === 0) delete all[key];
  return true;
}

/** Whether a counter below this one is still missing (the gap flag of the message that revealed it). */
export function missingBelow(all: Record<string, MissingRanges>, key: string, counter: number): boolean {
  return (all[key] ?? []).some(([a]) => a < counter);
}

/** Every gap still open; `highest` is the highest counter read per key (none read at all: a hidden sender). */
export function openGaps(all: Record<string, MissingRanges>, highest: Record<string, number>): OpenGap[] {
  return Object.entries(all).map(([key, ranges]) => {
    const cut = key.indexOf(':');
    const missing = ranges.reduce((n, [a, b]) => n + b - a + 1, 0);
    return {
      epoch: Number(key.slice(0, cut)),
      sender: key.slice(cut + 1),
      missing,
      hidden: highest[key] === undefined,
    };
  });
}
