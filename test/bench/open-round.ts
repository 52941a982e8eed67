// One open-loop round's result, as a generator reports it with the server's CPU
// added: the bench tests build theirs from this and change what they test.
// It lives beside those tests, not in test/support/, because it needs a bench
// type: test/support/ imports nothing from bench/ (bench/ imports it).
import type { OpenResult } from '../../bench/load/generator';

export const openRound = (
  p99Ms: number,
  over: Partial<OpenResult & { serverCpu: number; serverCpuSeconds: number; loadCpu: number }> = {},
) => ({
  expected: 100,
  received: 100,
  duplicates: 0,
  gaps: 0,
  errors: 0,
  issued: 1000,
  messagesPerS: 4000,
  deliveriesPerS: 40_000,
  p50Ms: p99Ms / 10,
  p99Ms,
  ackP50Ms: p99Ms / 10,
  ackP99Ms: p99Ms,
  serverCpu: 0.6,
  serverCpuSeconds: 0.2,
  loadCpu: 0.4,
  ...over,
});
