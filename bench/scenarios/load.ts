// Closed loop then open loop for every system of one group size, with the
// clients in load generator processes (one per system) and each server in its
// own process. Both loops run in rounds that take turns between the systems,
// so a slow spell of the machine falls on all of them alike; each system's
// figure is its median round (for the open loop, each latency's median).
// During the open loop a probe, a second generator process with one small
// group, posts at a low fixed rate: its latencies are what a member sees of
// the loaded server without the main generator's own event-loop delay.
import type { ClosedResult, GeneratorClient, OpenResult } from '../load/generator';
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
  /** the load generator's CPU (fraction of its core) in every closed-loop round, then every open-loop round */
  generatorCpu: number[];
  /** a round's generator was above GENERATOR_CPU_LIMIT: the clients, not the server, may have set the pace */
  generatorSaturated: boolean;
  /** the open-loop rounds as one result (combineOpen), run last on the same connections: its counts cover the closed rounds too */
  open: OpenResult & ServerCpu;
  /** end-to-end p99 of every open-loop round, in the order they ran */
  openRoundsP99: number[];
  /** the probe's open-loop rounds as one result (combineLatency) */
  probe: OpenResult;
}

/** A low-rate client group in a process of its own, measured during every open-loop round. */
export interface LoadProbe {
  clients: GeneratorClient[];
  messagesPerS: number;
}

/** A server under load: what the generator connects to, and the process to measure. */
export interface LoadTarget {
  system: SystemName;
  url: string;
  pid: number;
}

/** Above this share of its core the load generator may be what limits a round: the round is marked invalid. */
export const GENERATOR_CPU_LIMIT = 0.9;

export function clientsOf(devices: readonly BenchDevice[], groups: readonly BenchGroup[]): GeneratorClient[] {
  return groups.flatMap((g, group) =>
    g.members.map((m, i) => ({
      token: devices[m]!.token,
      groups: [g.groupId],
      group,
      groupId: g.groupId,
      epoch: g.epoch,
      envelope: g.envelopes[i]!,
    })),
  );
}

async function withCpu<T>(server: number, load: number, run: () => Promise<T>): Promise<T & ServerCpu> {
  const [server0, load0] = [cpuSeconds(server), cpuSeconds(load)];
  const t0 = performance.now();
  const result = await run();
  const seconds = (performance.now() - t0) / 1000;
  const serverCpuSeconds = cpuSeconds(server) - server0;
  return {
    ...result,
    serverCpu: serverCpuSeconds / seconds,
    serverCpuSeconds,
    loadCpu: (cpuSeconds(load) - load0) / seconds,
  };
}

/**
 * Server CPU per post at the open loop's fixed rate (the same rate for every
 * system): what a post costs the server, whatever else the machine was doing.
 */
export const cpuPerPostUs = (r: Pick<LoadResult, 'open' | 'probe'>): number => {
  const issued = r.open.issued + r.probe.issued;
  return issued > 0 ? (r.open.serverCpuSeconds * 1e6) / issued : 0;
};

/**
 * Open-loop rounds as one result: each latency percentile and rate is its
 * median over the rounds, posts add up, and the correctness counts are the
 * last round's (they are kept since connecting).
 */
export function combineLatency<T extends OpenResult>(rounds: readonly T[]): T {
  const mid = (pick: (r: OpenResult) => number) => pick(median(rounds, pick));
  return {
    ...rounds.at(-1)!,
    issued: rounds.reduce((n, r) => n + r.issued, 0),
    messagesPerS: mid((r) => r.messagesPerS),
    deliveriesPerS: mid((r) => r.deliveriesPerS),
    p50Ms: mid((r) => r.p50Ms),
    p99Ms: mid((r) => r.p99Ms),
    ackP50Ms: mid((r) => r.ackP50Ms),
    ackP99Ms: mid((r) => r.ackP99Ms),
  };
}

/** One system's open-loop rounds as one result (combineLatency), with CPU seconds added up. */
export function combineOpen(rounds: readonly (OpenResult & ServerCpu)[]): OpenResult & ServerCpu {
  const sum = (pick: (r: ServerCpu) => number) => rounds.reduce((n, r) => n + pick(r), 0);
  return {
    ...combineLatency(rounds),
    serverCpuSeconds: sum((r) => r.serverCpuSeconds),
    serverCpu: sum((r) => r.serverCpu) / rounds.length,
    loadCpu: sum((r) => r.loadCpu) / rounds.length,
  };
}

/**
 * The load generator processes: one per target, and one probe per target,
 * kept from one group size to the next (node with tsx takes about a second of
 * CPU to boot here, on the load core).
 */
export interface LoadProcesses {
  generators: Generator[];
  probes: Generator[];
  stop(): Promise<void>;
}

export function startLoadProcesses(targets: number): LoadProcesses {
  const generators = Array.from({ length: targets }, () => startGenerator());
  const probes = Array.from({ length: targets }, () => startGenerator());
  return {
    generators,
    probes,
    stop: async () => {
      await Promise.all([...generators, ...probes].map((g) => g.stop()));
    },
  };
}

/**
 * Every target gets the same clients and the same open-loop rate: half of
 * what the first target (the relay) sustained in its median round. The
 * processes are reset afterwards, ready for the next group size.
 */
export async function runLoad(
  targets: readonly LoadTarget[],
  clients: GeneratorClient[],
  groupSize: number,
  plan: LoadPlan,
  processes: LoadProcesses,
  probe: LoadProbe,
): Promise<LoadResult[]> {
  const { generators, probes } = processes;
  if (Math.min(generators.length, probes.length) < targets.length)
    throw new Error('a load generator and a probe per target');
  try {
    for (const [i, t] of targets.entries()) {
      await generators[i]!.call({ cmd: 'connect', system: t.system, url: t.url, clients, concurrency: 50 });
      await probes[i]!.call({ cmd: 'connect', system: t.system, url: t.url, clients: probe.clients, concurrency: 10 });
    }
    // `plan.rounds` rounds, taken in turns; each target's results in the order they ran.
    const inTurns = async <T>(run: (target: number) => Promise<T>): Promise<(T & ServerCpu)[][]> => {
      const results = targets.map(() => [] as (T & ServerCpu)[]);
      for (let round = 0; round < plan.rounds; round++) {
        for (const [i, t] of targets.entries())
          results[i]!.push(await withCpu(t.pid, generators[i]!.pid, () => run(i)));
      }
      return results;
    };
    const rounds = await inTurns((i) => generators[i]!.call<ClosedResult>({ cmd: 'closed', ...plan.closed }));
    const closed = rounds.map((r) => median(r, (c) => c.deliveriesPerS));
    // BENCH_OPEN_RATE (posts/s) fixes the rate instead, to compare tails at one rate in A/B runs.
    const rate = Number(process.env.BENCH_OPEN_RATE) || closed[0]!.messagesPerS / 2;
    const open = (generator: Generator, messagesPerS: number) =>
      generator.call<OpenResult>({ cmd: 'open', messagesPerS, ...plan.open });
    const openRounds = await inTurns(async (i) => {
      const [result, probed] = await Promise.all([open(generators[i]!, rate), open(probes[i]!, probe.messagesPerS)]);
      return { ...result, probed };
    });
    return targets.map((t, i) => {
      const generatorCpu = [...rounds[i]!, ...openRounds[i]!].map((r) => r.loadCpu);
      return {
        system: t.system,
        groupSize,
        clients: clients.length,
        closed: closed[i]!,
        closedRounds: rounds[i]!.map((c) => c.deliveriesPerS),
        generatorCpu,
        generatorSaturated: generatorCpu.some((c) => c > GENERATOR_CPU_LIMIT),
        open: combineOpen(openRounds[i]!.map(({ probed: _, ...o }) => o)),
        openRoundsP99: openRounds[i]!.map((o) => o.p99Ms),
        probe: combineLatency(openRounds[i]!.map((o) => o.probed)),
      };
    });
  } finally {
    // Settled, not all: a generator that died must not hide the error that ended the run.
    await Promise.allSettled([...generators, ...probes].map((g) => g.call({ cmd: 'reset' })));
  }
}
