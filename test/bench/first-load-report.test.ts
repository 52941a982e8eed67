// The benchmark's report of the web app's first load: its --json keys and its
// targets (bytes against uncompressed, first and repeat visit in time).
import { describe, expect, it } from 'vitest';
import { firstLoadSummary, firstLoadTargets } from '../../bench/report';
import type { FirstLoadResult, VisitFigures } from '../../bench/scenarios/first-load';
import { SLOW_4G } from '../../bench/lib/slow-link';

const visit = (usableMs: number, bytes: number, uncompressedBytes: number, controlled: boolean): VisitFigures => ({
  usableMs,
  bytes,
  uncompressedBytes,
  bytesAtUsable: bytes,
  requests: 5,
  controlled,
});

const result = (first: VisitFigures, repeat: VisitFigures): FirstLoadResult => ({
  profile: SLOW_4G,
  cpuSlowdown: 4,
  first,
  repeat,
  firstRoundsMs: [first.usableMs],
  repeatRoundsMs: [repeat.usableMs],
});

const marks = (f: FirstLoadResult) => firstLoadTargets(f).map((t) => (t.met ? 'met' : 'MISSED'));

describe('the first-load report', () => {
  it('emits the web_ keys with the ratio of bytes received to uncompressed', () => {
    const s = firstLoadSummary(result(visit(2500.4, 300_000, 1_200_000, false), visit(800, 1400, 2000, true)));
    expect(s).toEqual({
      web_first_visit_bytes: 300_000,
      web_uncompressed_bytes: 1_200_000,
      web_first_visit_ratio: 0.25,
      web_first_usable_ms: 2500,
      web_repeat_usable_ms: 800,
      web_repeat_bytes: 1400,
    });
  });

  it('marks each target met or missed: ≤ 40 % of the bytes, first screen ≤ 3 s, repeat ≤ 1 s with the service worker', () => {
    expect(marks(result(visit(2900, 390, 1000, false), visit(990, 1, 1, true)))).toEqual(['met', 'met', 'met']);
    expect(marks(result(visit(3100, 410, 1000, false), visit(1010, 1, 1, true)))).toEqual([
      'MISSED',
      'MISSED',
      'MISSED',
    ]);
    // A quick repeat that did not come from the service worker is not the repeat visit the target means.
    expect(marks(result(visit(2900, 390, 1000, false), visit(500, 1, 1, false)))[2]).toBe('MISSED');
  });
});
