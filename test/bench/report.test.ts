import { describe, expect, it } from 'vitest';
import { type BenchRun, summary, table } from '../../bench/report';
import type { LoadResult } from '../../bench/scenarios/load';
import { openRound as open } from './open-round';

const load = (system: LoadResult['system'], p99Ms: number, probe: LoadResult['probe']): LoadResult => ({
  system,
  groupSize: 10,
  clients: 1000,
  closed: {
    deliveriesPerS: 60_000,
    messagesPerS: 6000,
    expected: 0,
    received: 0,
    duplicates: 0,
    gaps: 0,
    errors: 0,
    serverCpu: 1,
    serverCpuSeconds: 4,
    loadCpu: 1,
  },
  closedRounds: [60_000],
  open: open(p99Ms),
  openRoundsP99: [p99Ms],
  probe,
});

const run = (probe: (system: LoadResult['system']) => LoadResult['probe']): BenchRun => ({
  mode: 'quick',
  machine: { nproc: 2, cpu: 'test', node: 'v20', pinned: true },
  load: [
    load('relay', 40, probe('relay')),
    load('raw_ws', 30, probe('raw_ws')),
    load('socketio', 80, probe('socketio')),
  ],
  catchup: { backlog: 2000, postMs: 100, catchupMs: 50, pages: 2, received: 2000, gaps: 0, duplicates: 0, missing: 0 },
  idle: { connections: 600, rssBeforeKb: 100_000, rssAfterKb: 110_000, rssPerConnKb: 16, connectMs: 100 },
  storage: { sqliteBatchRowsPerS: 100_000, relayRowsPerS: 60_000, ratio: 0.6, inFlight: 100, batchRows: 64 },
  crypto: { encryptSignPerS: 8000, verifyDecryptPerS: 6000, envelopeBytes: 512 },
  durationS: 40,
});

describe('the benchmark summary with the open-loop probe', () => {
  it("reports the relay's and raw ws's probe ack p99 beside the generator's own", () => {
    const s = summary(
      run((system) => open(system === 'relay' ? 12 : 6, { issued: 600, ackP99Ms: system === 'relay' ? 11 : 5 })),
    );
    expect(s.ack_p99_ms).toBe(40);
    expect(s.probe_ack_p99_ms).toBe(11);
    expect(s.raw_ws_probe_ack_p99_ms).toBe(5);
    expect(s.correct).toBe(true);
    expect(table(run(() => open(12, { ackP99Ms: 11 })))).toContain('40.00 ms (probe 11.00 ms, raw ws probe 11.00 ms)');
  });

  it("counts the probe's deliveries in correctness: a gap or a missed delivery there fails the run", () => {
    expect(summary(run((system) => open(10, system === 'raw_ws' ? { gaps: 1 } : {}))).correct).toBe(false);
    const missed = summary(run((system) => open(10, system === 'socketio' ? { received: 99 } : {})));
    expect(missed.correct).toBe(false);
    expect(missed.reach).toBeLessThan(1);
  });
});
