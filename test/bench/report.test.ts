import { describe, expect, it } from 'vitest';
import { type BenchRun, summary, table } from '../../bench/report';
import type { LoadResult } from '../../bench/scenarios/load';
import { openRound as open } from './open-round';

const load = (
  system: LoadResult['system'],
  p99Ms: number,
  probe: LoadResult['probe'],
  deliveriesPerS = 60_000,
  generatorCpu = [0.5],
): LoadResult => ({
  system,
  groupSize: 10,
  clients: 1000,
  closed: {
    deliveriesPerS,
    messagesPerS: deliveriesPerS / 10,
    expected: 0,
    received: 0,
    duplicates: 0,
    gaps: 0,
    errors: 0,
    serverCpu: 1,
    serverCpuSeconds: 4,
    loadCpu: 1,
  },
  closedRounds: [deliveriesPerS],
  generatorCpu,
  generatorSaturated: generatorCpu.some((c) => c > 0.9),
  open: open(p99Ms),
  openRoundsP99: [p99Ms],
  probe,
});

const run = (
  probe: (system: LoadResult['system']) => LoadResult['probe'],
  ceiling: Partial<{ deliveriesPerS: number; p99Ms: number; generatorCpu: number[] }> = {},
): BenchRun => ({
  mode: 'quick',
  machine: { nproc: 2, cpu: 'test', node: 'v20', pinned: true },
  load: [
    load('relay', 40, probe('relay')),
    load('ceiling', ceiling.p99Ms ?? 25, probe('ceiling'), ceiling.deliveriesPerS ?? 80_000, ceiling.generatorCpu),
    load('raw_ws', 30, probe('raw_ws')),
    load('socketio', 80, probe('socketio'), 30_000),
  ],
  catchup: {
    backlog: 2000,
    postMs: 100,
    catchupMs: 50,
    directMs: 20,
    pages: 2,
    received: 2000,
    gaps: 0,
    duplicates: 0,
    missing: 0,
  },
  idle: { connections: 600, rssBeforeKb: 100_000, rssAfterKb: 110_000, rssPerConnKb: 16, connectMs: 100 },
  storage: { sqliteBatchRowsPerS: 100_000, relayRowsPerS: 60_000, ratio: 0.6, inFlight: 100, batchRows: 64 },
  crypto: {
    encryptSignPerS: 8000,
    verifyDecryptPerS: 6000,
    envelopeBytes: 512,
    bareSignPerS: 10_000,
    bareVerifyPerS: 8000,
  },
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
    expect(table(run(() => open(12, { ackP99Ms: 11 })))).toContain(
      '40.00 ms (ceiling 25.00 ms; probes 11.00 / 11.00 ms)',
    );
  });

  it("counts the probe's deliveries in correctness: a gap or a missed delivery there fails the run", () => {
    expect(summary(run((system) => open(10, system === 'raw_ws' ? { gaps: 1 } : {}))).correct).toBe(false);
    const missed = summary(run((system) => open(10, system === 'socketio' ? { received: 99 } : {})));
    expect(missed.correct).toBe(false);
    expect(missed.reach).toBeLessThan(1);
  });

  it('judges throughput and latency against the ceiling, and marks a round whose generator was saturated', () => {
    const s = summary(run(() => open(10), { deliveriesPerS: 80_000, p99Ms: 25 }));
    expect(s.ratio_vs_ceiling).toBe(0.75);
    expect(s.ceiling_deliveries_per_s).toBe(80_000);
    expect(s.ceiling_p99_ms).toBe(25);
    expect(s.generator_saturated).toBe(false);
    expect(s.targets_missed).toEqual([]);
    const slow = summary(run(() => open(10), { deliveriesPerS: 100_000, p99Ms: 15 }));
    expect(slow.targets_missed).toEqual([
      'relay / ceiling deliveries, groups of 10',
      "p99 end-to-end at 50 % of the relay's maximum, groups of 10",
      'publish-to-ack p99, groups of 10',
    ]);
    const saturated = run(() => open(10), { generatorCpu: [0.5, 0.95] });
    expect(summary(saturated).generator_saturated).toBe(true);
    expect(table(saturated)).toContain('SATURATED (invalid)');
    expect(table(saturated)).toContain('a generator was saturated: invalid');
  });

  it('judges client crypto against bare Ed25519 and catch-up against reading the rows directly', () => {
    const s = summary(run(() => open(10)));
    expect(s.crypto_verify_decrypt_ratio).toBe(0.75);
    expect(s.catchup_ratio_vs_direct).toBe(2.5);
    const slow = run(() => open(10));
    slow.crypto.verifyDecryptPerS = 5000;
    slow.catchup.directMs = 10;
    expect(summary(slow).targets_missed).toEqual([
      'catch-up of 2,000 messages (2 pages) / the same rows read and serialised with better-sqlite3',
      'client verify+decrypt / bare Ed25519 verification',
    ]);
  });
});
