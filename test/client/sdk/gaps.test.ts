// The bookkeeping of missing counters: ranges open, merge, split when a late
// counter arrives, stay bounded, and report who is missing and who is hidden.
import { describe, expect, it } from 'vitest';
import { addMissing, fillMissing, type MissingRanges, missingBelow, openGaps } from '../../../client/sdk/gaps';

describe('missing counters', () => {
  it('a late counter splits its range and the last one closes the gap', () => {
    const all: Record<string, MissingRanges> = {};
    addMissing(all, '3:a', 2, 5);
    expect(fillMissing(all, '3:a', 4)).toBe(true);
    expect(all['3:a']).toEqual([
      [2, 3],
      [5, 5],
    ]);
    expect(fillMissing(all, '3:a', 9)).toBe(false);
    expect(missingBelow(all, '3:a', 3)).toBe(true);
    for (const c of [2, 3, 5]) fillMissing(all, '3:a', c);
    expect(all).toEqual({});
  });

  it('overlapping claims merge, and the number of ranges stays bounded', () => {
    const all: Record<string, MissingRanges> = {};
    addMissing(all, '1:a', 0, 3);
    addMissing(all, '1:a', 2, 6);
    expect(all['1:a']).toEqual([[0, 6]]);
    for (let i = 0; i < 200; i++) addMissing(all, '1:b', i * 3, i * 3);
    expect(all['1:b']!.length).toBeLessThanOrEqual(64);
    expect(all['1:b']!.at(-1)).toEqual([597, 597]);
  });

  it('a sender nothing was read from is reported hidden; one read from, missing', () => {
    const all: Record<string, MissingRanges> = {};
    addMissing(all, '2:a', 0, 4);
    addMissing(all, '2:b', 3, 3);
    expect(openGaps(all, { '2:b': 4 })).toEqual([
      { epoch: 2, sender: 'a', missing: 5, hidden: true },
      { epoch: 2, sender: 'b', missing: 1, hidden: false },
    ]);
  });
});
