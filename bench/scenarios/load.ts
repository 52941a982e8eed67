// Closed loop then open loop for one system and one group size, with the
// clients in the load generator process and the server in its own process.
import type { ClosedResult, GeneratorClient, OpenResult } from '../load/generator';
import type { SystemName } from '../load/connections';
import type { BenchDevice, BenchGroup } from '../lib/population';
import { cpuSeconds, startGenerator } from '../lib/processes';

export interface LoadTiming {
  warmupMs: number;
  measureMs: number;
}

export interface LoadResult {
  system: SystemName;
  groupSize: number;
  clients: number;
  closed: ClosedResult & ServerCpu;
  open: OpenResult & ServerCpu;
}

export function clientsOf(devices: readonly BenchDevice[], groups: readonly BenchGroup[]): GeneratorClient[] {
  return groups.flatMap((g, group) =>
    g.members.map((m, i) => ({ token: devices[m]!.token, groups: [g.groupId], group, groupId: g.groupId, epoch: g.epoch, envelope: g.envelopes[i]! })),
  );
}

interface ServerCpu {
  /** the server's CPU time over the wall time, as a fraction of one core (1.0 = its core was saturated) */
  serverCpu: number;
  /** the server's CPU time in seconds (all its threads) */
  serverCpuSeconds: number;
}

async function withCpu<T>(pid: number, run: () => Promise<T>): Promise<T & ServerCpu> {
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  const result = await run();
  const serverCpuSeconds = cpuSeconds(pid) - cpu0;
  return { ...result, serverCpu: serverCpuSeconds / ((performance.now() - t0) / 1000), serverCpuSeconds };
}

/**
 * Server CPU per post at the open loop's fixed rate (the same rate for every
 * system): what a post costs the server, whatever else the machine was doing.
 */
export const cpuPerPostUs = (r: LoadResult): number => (r.open.issued > 0 ? (r.open.serverCpuSeconds * 1e6) / r.open.issued : 0);

/**
 * `openRate` picks the open-loop rate (messages/s) from this system's closed
 * loop result, so the runner can hold every system to the relay's 50 %.
 */
export async function runLoad(
  system: SystemName,
  url: string,
  serverPid: number,
  clients: GeneratorClient[],
  groupSize: number,
  timing: { closed: LoadTiming; open: LoadTiming },
  openRate: (closed: ClosedResult) => number,
): Promise<LoadResult> {
  const generator = startGenerator();
  try {
    await generator.call({ cmd: 'connect', system, url, clients, concurrency: 50 });
    const closed = await withCpu(serverPid, () => generator.call<ClosedResult>({ cmd: 'closed', ...timing.closed }));
    const rate = openRate(closed);
    const open = await withCpu(serverPid, () => generator.call<OpenResult>({ cmd: 'open', messagesPerS: rate, ...timing.open }));
    return { system, groupSize, clients: clients.length, closed, open };
  } finally {
    await generator.stop();
  }
}
