import { describe, expect, it } from 'vitest';
import { combineLatency, combineOpen, cpuPerPostUs } from '../../../bench/scenarios/load';
import { openRound as round } from '../open-round';

describe('the open-loop rounds of one system as one result', () => {
  it('takes each latency as its median over the rounds, so one round in a slow spell does not set it', () => {
    const open = combineOpen([round(20), round(300, { ackP99Ms: 290 }), round(25, { ackP99Ms: 40 })]);
    expect(open.p99Ms).toBe(25);
    expect(open.ackP99Ms).toBe(40);
    expect(open.p50Ms).toBe(2.5);
  });

  it('adds up posts and CPU seconds (CPU per post covers every round) and keeps the last round counts', () => {
    const open = combineOpen([
      round(20),
      round(30, { serverCpu: 0.9 }),
      round(25, { expected: 300, received: 299, gaps: 1 }),
    ]);
    expect(open.issued).toBe(3000);
    expect(open.serverCpuSeconds).toBeCloseTo(0.6);
    expect(open.serverCpu).toBeCloseTo(0.7);
    expect([open.expected, open.received, open.gaps]).toEqual([300, 299, 1]);
  });
});

describe("the probe's rounds and the CPU per post", () => {
  it('combines the probe rounds by the same medians, with its posts added up', () => {
    const probe = combineLatency([round(8, { issued: 700 }), round(90, { issued: 700 }), round(12, { issued: 700 })]);
    expect(probe.p99Ms).toBe(12);
    expect(probe.issued).toBe(2100);
  });

  it("divides the server's CPU by every post it handled, the probe's included", () => {
    const result = { open: combineOpen([round(20)]), probe: combineLatency([round(5, { issued: 250 })]) };
    expect(cpuPerPostUs(result)).toBeCloseTo((0.2 * 1e6) / 1250);
    expect(cpuPerPostUs({ ...result, probe: combineLatency([round(5, { issued: 0 })]) })).toBeCloseTo(
      (0.2 * 1e6) / 1000,
    );
  });
});
