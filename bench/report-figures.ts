// The load scenario's figures for one group size (relay against the ceiling
// and the other references), and the load rows of the printed table.
import { round } from './lib/stats';
import { cpuPerPostUs, type LoadResult } from './scenarios/load';

export interface SizeFigures {
  relay: number;
  ceiling: number;
  raw: number;
  socketio: number;
  ratioCeiling: number;
  ratioRaw: number;
  ratioSocketio: number;
  p50: number;
  p99: number;
  ceilingP99: number;
  rawP99: number;
  socketioP99: number;
  ackP99: number;
  ceilingAckP99: number;
  /** the probe's figures (a low-rate group in a process of its own, during the open loop) */
  probeP99: number;
  probeAckP99: number;
  ceilingProbeP99: number;
  ceilingProbeAckP99: number;
  rawProbeP99: number;
  rawProbeAckP99: number;
  /** server CPU per post at the open loop's rate (µs) */
  relayUsPerPost: number;
  ceilingUsPerPost: number;
  rawUsPerPost: number;
  socketioUsPerPost: number;
  /** the highest load-generator CPU of any round of any system (fraction of its core) */
  generatorCpuMax: number;
  reach: number;
  gaps: number;
  duplicates: number;
  errors: number;
}

export const sizesOf = (load: readonly LoadResult[]) => [...new Set(load.map((r) => r.groupSize))];

export function figures(load: readonly LoadResult[], size: number): SizeFigures {
  const of = (s: LoadResult['system']) => load.find((r) => r.system === s && r.groupSize === size)!;
  const relay = of('relay');
  const ceiling = of('ceiling');
  const raw = of('raw_ws');
  const sio = of('socketio');
  const systems = [relay, ceiling, raw, sio];
  // The open loop ran last on each generator: its counts cover the closed rounds too.
  const all = systems.flatMap((r) => [r.open, r.probe]);
  const expected = all.reduce((n, c) => n + c.expected, 0);
  const received = all.reduce((n, c) => n + c.received, 0);
  return {
    relay: relay.closed.deliveriesPerS,
    ceiling: ceiling.closed.deliveriesPerS,
    raw: raw.closed.deliveriesPerS,
    socketio: sio.closed.deliveriesPerS,
    ratioCeiling: relay.closed.deliveriesPerS / ceiling.closed.deliveriesPerS,
    ratioRaw: relay.closed.deliveriesPerS / raw.closed.deliveriesPerS,
    ratioSocketio: relay.closed.deliveriesPerS / sio.closed.deliveriesPerS,
    p50: relay.open.p50Ms,
    p99: relay.open.p99Ms,
    ceilingP99: ceiling.open.p99Ms,
    rawP99: raw.open.p99Ms,
    socketioP99: sio.open.p99Ms,
    ackP99: relay.open.ackP99Ms,
    ceilingAckP99: ceiling.open.ackP99Ms,
    probeP99: relay.probe.p99Ms,
    probeAckP99: relay.probe.ackP99Ms,
    ceilingProbeP99: ceiling.probe.p99Ms,
    ceilingProbeAckP99: ceiling.probe.ackP99Ms,
    rawProbeP99: raw.probe.p99Ms,
    rawProbeAckP99: raw.probe.ackP99Ms,
    relayUsPerPost: cpuPerPostUs(relay),
    ceilingUsPerPost: cpuPerPostUs(ceiling),
    rawUsPerPost: cpuPerPostUs(raw),
    socketioUsPerPost: cpuPerPostUs(sio),
    generatorCpuMax: Math.max(...systems.flatMap((r) => r.generatorCpu)),
    reach: expected === 0 ? 0 : received / expected,
    gaps: all.reduce((n, c) => n + c.gaps, 0),
    duplicates: all.reduce((n, c) => n + c.duplicates, 0),
    errors: all.reduce((n, c) => n + c.errors, 0),
  };
}

export const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : String(n);

/** Every figure of every size, rounded, keyed by group size (the summary's `by_group_size`). */
export const bySizeJson = (load: readonly LoadResult[]) =>
  Object.fromEntries(
    sizesOf(load).map((size) => [
      size,
      Object.fromEntries(Object.entries(figures(load, size)).map(([k, v]) => [k, round(v, 3)])),
    ]),
  );

/** The load rows alone (closed and open loop per system and group size). */
export function loadTable(load: readonly LoadResult[]): string[] {
  const lines: string[] = [];
  const row = (cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);
  row([
    'scenario',
    'system',
    'clients',
    'deliveries/s (closed: median; each round)',
    'server CPU / load CPU per round',
    'msgs/s open',
    'server µs/post (open)',
    'p50 ms',
    'p99 ms (open: median; each round)',
    'ack p99 ms',
    'probe p50 / p99 / ack p99 ms',
    'reach',
    'gaps',
    'dups',
    'errors',
  ]);
  row(Array(15).fill('---'));
  for (const r of load) {
    const c = r.closed;
    const o = r.open; // medians over the open rounds; counts since the generator connected, closed rounds included
    const generator = r.generatorCpu.map((g) => fmt(g * 100)).join('/');
    row([
      `groups of ${r.groupSize}`,
      r.system,
      String(r.clients),
      `${fmt(c.deliveriesPerS)} (${r.closedRounds.map((d) => fmt(d)).join(' / ')})`,
      `${fmt(c.serverCpu * 100)} % / ${generator} %${r.generatorSaturated ? ' SATURATED (invalid)' : ''}`,
      fmt(o.messagesPerS),
      fmt(cpuPerPostUs(r)),
      fmt(o.p50Ms, 2),
      `${fmt(o.p99Ms, 2)} (${r.openRoundsP99.map((p) => fmt(p, 1)).join(' / ')})`,
      fmt(o.ackP99Ms, 2),
      `${fmt(r.probe.p50Ms, 2)} / ${fmt(r.probe.p99Ms, 2)} / ${fmt(r.probe.ackP99Ms, 2)}`,
      `${fmt((o.received / o.expected) * 100, 3)} %`,
      String(o.gaps),
      String(o.duplicates),
      String(o.errors),
    ]);
  }
  return lines;
}
