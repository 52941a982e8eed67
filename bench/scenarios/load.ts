// Closed loop then open loop for every system of one group size, with the
// clients in load generator processes (one per system) and each server in its
// own process. Both loops run in rounds that take turns between the systems,
// so a slow spell of the machine falls on all of them alike; each system's
// figure is its median round (for the open loop, each latency's median).
import type { ClosedResult, GeneratorClient, GeneratorCommand, OpenResult } from '../load/generator';
import type { SystemName } from '../load/connections';
import type { BenchDevice, BenchGroup } from '../lib/population';
import { cpuSeconds, type Generator, startGenerator } from '../lib/processes';
import { median } from '../lib/stats';

export interface LoadTiming {
  warmupMs: number;
  measureMs: number;
}

export interface LoadPlan {
  closed: LoadTiming;
  /** closed-loop rounds, then open-loop rounds, per system, taken in turns */
  rounds: number;
  open: LoadTiming;
}

interface ServerCpu {
  /** the server's CPU time over the wall time, as a fraction of one core (1.0 = its core was saturated) */
  serverCpu: number;
  /** the server's CPU time in seconds (all its threads) */
  serverCpuSeconds: number;
  /** the load generator's CPU time over the wall time: near 1.0, the clients and not the server set the pace */
  loadCpu: number;
}

export interface LoadResult {
  system: SystemName;
  groupSize: number;
  clients: number;
  /** the median closed-loop round (by deliveries/s) */
  closed: ClosedResult & ServerCpu;
  /** deliveries/s of every closed-loop round, in the order they ran */
  closedRounds: number[];
  /** the open-loop rounds as one result (combineOpen), run last on the same connections: its counts cover the closed rounds too */
  open: OpenResult & ServerCpu;
  /** end-to-end p99 of every open-loop round, in the order they ran */
  openRoundsP99: number[];
}

/** A server under load: what the generator connects to, and the process to measure. */
export interface LoadTarget {
  system: SystemName;
  url: string;
  pid: number;
}

export function clientsOf(devices: readonly BenchDevice[], groups: readonly BenchGroup[]): GeneratorClient[] {
  return groups.flatMap((g, group) =>
    g.members.map((m, i) => ({ token: devices[m]!.token, groups: [g.groupId], group, groupId: g.groupId, epoch: g.epoch, envelope: g.envelopes[i]! })),
  );
}

async function withCpu<T>(server: number, load: number, run: () => Promise<T>): Promise<T & ServerCpu> {
  const [server0, load0] = [cpuSeconds(server), cpuSeconds(load)];
  const t0 = performance.now();
  const result = await run();
  const seconds = (performance.now() - t0) / 1000;
  const serverCpuSeconds = cpuSeconds(server) - server0;
  return { ...result, serverCpu: serverCpuSeconds / seconds, serverCpuSeconds, loadCpu: (cpuSeconds(load) - load0) / seconds };
}

/**
 * Server CPU per post at the open loop's fixed rate (the same rate for every
 * system): what a post costs the server, whatever else the machine was doing.
 */
export const cpuPerPostUs = (r: LoadResult): number => (r.open.issued > 0 ? (r.open.serverCpuSeconds * 1e6) / r.open.issued : 0);

/**
 * One system's open-loop rounds as one result: each latency percentile and
 * rate is its median over the rounds, posts and CPU seconds add up, and the
 * correctness counts are the last round's (they are kept since connecting).
 */
export function combineOpen(rounds: readonly (OpenResult & ServerCpu)[]): OpenResult & ServerCpu {
  const mid = (pick: (r: OpenResult & ServerCpu) => number) => pick(median(rounds, pick));
  const sum = (pick: (r: OpenResult & ServerCpu) => number) => rounds.reduce((n, r) => n + pick(r), 0);
  return {
    ...rounds.at(-1)!,
    issued: sum((r) => r.issued),
    serverCpuSeconds: sum((r) => r.serverCpuSeconds),
    serverCpu: sum((r) => r.serverCpu) / rounds.length,
    loadCpu: sum((r) => r.loadCpu) / rounds.length,
    messagesPerS: mid((r) => r.messagesPerS),
    deliveriesPerS: mid((r) => r.deliveriesPerS),
    p50Ms: mid((r) => r.p50Ms),
    p99Ms: mid((r) => r.p99Ms),
    ackP50Ms: mid((r) => r.ackP50Ms),
    ackP99Ms: mid((r) => r.ackP99Ms),
  };
}

/**
 * Every target gets the same clients and the same open-loop rate: half of
 * what the first target (the relay) sustained in its median round.
 */
export async function runLoad(targets: readonly LoadTarget[], clients: GeneratorClient[], groupSize: number, plan: LoadPlan): Promise<LoadResult[]> {
  const generators: Generator[] = [];
  try {
    for (const t of targets) {
      const generator = startGenerator();
      generators.push(generator);
      await generator.call({ cmd: 'connect', system: t.system, url: t.url, clients, concurrency: 50 });
    }
    // `plan.rounds` rounds of one command, taken in turns; each target's results in the order they ran.
    const inTurns = async <T>(cmd: GeneratorCommand): Promise<(T & ServerCpu)[][]> => {
      const results = targets.map(() => [] as (T & ServerCpu)[]);
      for (let round = 0; round < plan.rounds; round++) {
        for (const [i, t] of targets.entries()) results[i]!.push(await withCpu(t.pid, generators[i]!.pid, () => generators[i]!.call<T>(cmd)));
      }
      return results;
    };
    const rounds = await inTurns<ClosedResult>({ cmd: 'closed', ...plan.closed });
    const closed = rounds.map((r) => median(r, (c) => c.deliveriesPerS));
    // BENCH_OPEN_RATE (posts/s) fixes the rate instead, to compare tails at one rate in A/B runs.
    const rate = Number(process.env.BENCH_OPEN_RATE) || closed[0]!.messagesPerS / 2;
    const openRounds = await inTurns<OpenResult>({ cmd: 'open', messagesPerS: rate, ...plan.open });
    return targets.map((t, i) => ({
      system: t.system,
      groupSize,
      clients: clients.length,
      closed: closed[i]!,
      closedRounds: rounds[i]!.map((c) => c.deliveriesPerS),
      open: combineOpen(openRounds[i]!),
      openRoundsP99: openRounds[i]!.map((o) => o.p99Ms),
    }));
  } finally {
    await Promise.all(generators.map((g) => g.stop()));
  }
}
