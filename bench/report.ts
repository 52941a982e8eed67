// The benchmark's output: one readable table, and one JSON object with the
// headline figures (worst case over the group sizes) and every detail.
import type { CatchupResult } from './scenarios/catchup';
import type { CryptoResult } from './scenarios/crypto';
import type { IdleResult } from './scenarios/idle';
import type { MembershipResult } from './scenarios/membership';
import { cpuPerPostUs, type LoadResult } from './scenarios/load';
import type { StorageResult } from './scenarios/storage';
import { round } from './lib/stats';

export interface BenchRun {
  mode: 'full' | 'quick';
  machine: { nproc: number; cpu: string; node: string; pinned: boolean };
  load: LoadResult[];
  catchup: CatchupResult;
  idle: IdleResult;
  storage: StorageResult;
  crypto: CryptoResult;
  /** joins and removals in growing groups (absent in runs made before it existed) */
  membership?: MembershipResult[];
  durationS: number;
}

interface SizeFigures {
  relay: number;
  raw: number;
  socketio: number;
  ratioRaw: number;
  ratioSocketio: number;
  p50: number;
  p99: number;
  rawP99: number;
  socketioP99: number;
  ackP99: number;
  /** the probe's figures (a low-rate group in a process of its own, during the open loop) */
  probeP99: number;
  probeAckP99: number;
  rawProbeP99: number;
  rawProbeAckP99: number;
  /** server CPU per post at the open loop's rate (µs) */
  relayUsPerPost: number;
  rawUsPerPost: number;
  socketioUsPerPost: number;
  reach: number;
  gaps: number;
  duplicates: number;
  errors: number;
}

function figures(load: LoadResult[], size: number): SizeFigures {
  const of = (s: LoadResult['system']) => load.find((r) => r.system === s && r.groupSize === size)!;
  const relay = of('relay');
  const raw = of('raw_ws');
  const sio = of('socketio');
  // The open loop ran last on each generator: its counts cover the closed rounds too.
  const all = [relay, raw, sio].flatMap((r) => [r.open, r.probe]);
  const expected = all.reduce((n, c) => n + c.expected, 0);
  const received = all.reduce((n, c) => n + c.received, 0);
  return {
    relay: relay.closed.deliveriesPerS,
    raw: raw.closed.deliveriesPerS,
    socketio: sio.closed.deliveriesPerS,
    ratioRaw: relay.closed.deliveriesPerS / raw.closed.deliveriesPerS,
    ratioSocketio: relay.closed.deliveriesPerS / sio.closed.deliveriesPerS,
    p50: relay.open.p50Ms,
    p99: relay.open.p99Ms,
    rawP99: raw.open.p99Ms,
    socketioP99: sio.open.p99Ms,
    ackP99: relay.open.ackP99Ms,
    probeP99: relay.probe.p99Ms,
    probeAckP99: relay.probe.ackP99Ms,
    rawProbeP99: raw.probe.p99Ms,
    rawProbeAckP99: raw.probe.ackP99Ms,
    relayUsPerPost: cpuPerPostUs(relay),
    rawUsPerPost: cpuPerPostUs(raw),
    socketioUsPerPost: cpuPerPostUs(sio),
    reach: expected === 0 ? 0 : received / expected,
    gaps: all.reduce((n, c) => n + c.gaps, 0),
    duplicates: all.reduce((n, c) => n + c.duplicates, 0),
    errors: all.reduce((n, c) => n + c.errors, 0),
  };
}

const sizesOf = (run: BenchRun) => [...new Set(run.load.map((r) => r.groupSize))];
const worst = <T>(items: T[], key: (t: T) => number) => items.reduce((a, b) => (key(b) < key(a) ? b : a));

/** The keys every --json summary carries (CI checks them). */
export const REQUIRED_KEYS = [
  'relay_deliveries_per_s',
  'raw_ws_deliveries_per_s',
  'socketio_deliveries_per_s',
  'ratio_vs_raw_ws',
  'ratio_vs_socketio',
  'p50_ms',
  'p99_ms',
  'raw_ws_p99_ms',
  'ack_p99_ms',
  'catchup_10k_ms',
  'rss_per_conn_kb',
  'storage_ratio',
  'crypto_encrypt_sign_per_s',
  'crypto_verify_decrypt_per_s',
  'membership_join_ms',
  'membership_flatness',
] as const;

export function summary(run: BenchRun): Record<string, unknown> {
  const bySize = sizesOf(run).map((size) => ({ size, ...figures(run.load, size) }));
  const tput = worst(bySize, (f) => f.ratioRaw);
  const lat = worst(bySize, (f) => -(f.p99 / f.rawP99));
  const correct =
    run.catchup.gaps + run.catchup.duplicates + run.catchup.missing === 0 &&
    bySize.every((f) => f.gaps + f.duplicates + f.errors === 0 && f.reach === 1);
  return {
    mode: run.mode,
    relay_deliveries_per_s: round(tput.relay, 0),
    raw_ws_deliveries_per_s: round(tput.raw, 0),
    socketio_deliveries_per_s: round(tput.socketio, 0),
    ratio_vs_raw_ws: round(Math.min(...bySize.map((f) => f.ratioRaw)), 3),
    ratio_vs_socketio: round(Math.min(...bySize.map((f) => f.ratioSocketio)), 3),
    p50_ms: round(lat.p50, 2),
    p99_ms: round(lat.p99, 2),
    raw_ws_p99_ms: round(lat.rawP99, 2),
    socketio_p99_ms: round(lat.socketioP99, 2),
    ack_p99_ms: round(Math.max(...bySize.map((f) => f.ackP99)), 2),
    probe_ack_p99_ms: round(Math.max(...bySize.map((f) => f.probeAckP99)), 2),
    raw_ws_probe_ack_p99_ms: round(Math.max(...bySize.map((f) => f.rawProbeAckP99)), 2),
    catchup_10k_ms: round(run.catchup.catchupMs, 1),
    catchup_messages: run.catchup.backlog,
    rss_per_conn_kb: round(run.idle.rssPerConnKb, 1),
    idle_connections: run.idle.connections,
    idle_rss_mb: round(run.idle.rssAfterKb / 1024, 1),
    storage_relay_rows_per_s: round(run.storage.relayRowsPerS, 0),
    storage_sqlite_batch_rows_per_s: round(run.storage.sqliteBatchRowsPerS, 0),
    storage_ratio: round(run.storage.ratio, 3),
    crypto_encrypt_sign_per_s: round(run.crypto.encryptSignPerS, 0),
    crypto_verify_decrypt_per_s: round(run.crypto.verifyDecryptPerS, 0),
    ...membershipSummary(run.membership ?? []),
    reach: round(Math.min(...bySize.map((f) => f.reach)), 6),
    correct,
    by_group_size: Object.fromEntries(
      bySize.map(({ size, ...f }) => [size, Object.fromEntries(Object.entries(f).map(([k, v]) => [k, round(v, 3)]))]),
    ),
    machine: run.machine,
    duration_s: round(run.durationS, 1),
  };
}

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : String(n);
const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');

/** The load rows alone (closed and open loop per system and group size). */
export function loadTable(load: readonly LoadResult[]): string[] {
  const lines: string[] = [];
  const row = (cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);
  row([
    'scenario',
    'system',
    'clients',
    'deliveries/s (closed: median; each round)',
    'server / load CPU',
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
    row([
      `groups of ${r.groupSize}`,
      r.system,
      String(r.clients),
      `${fmt(c.deliveriesPerS)} (${r.closedRounds.map((d) => fmt(d)).join(' / ')})`,
      `${fmt(c.serverCpu * 100)} / ${fmt(c.loadCpu * 100)} %`,
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

export function table(run: BenchRun): string {
  const lines: string[] = [];
  const row = (cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);
  lines.push(
    `Mindeulle benchmark (${run.mode}); ${run.machine.nproc} cores (${run.machine.cpu}), Node ${run.machine.node}, ${run.machine.pinned ? 'server and load pinned to separate cores' : 'not pinned'}`,
  );
  lines.push('');
  lines.push(...loadTable(run.load));
  lines.push('');
  row(['target', 'measured', 'goal', '']);
  row(['---', '---', '---', '---']);
  for (const size of sizesOf(run)) {
    const f = figures(run.load, size);
    row([`relay / raw ws deliveries, groups of ${size}`, fmt(f.ratioRaw, 2), '>= 0.7', mark(f.ratioRaw >= 0.7)]);
    row([
      `relay / Socket.IO deliveries, groups of ${size}`,
      fmt(f.ratioSocketio, 2),
      '>= 1.5',
      mark(f.ratioSocketio >= 1.5),
    ]);
    row([
      `p99 end-to-end at 50 % load, groups of ${size}`,
      `${fmt(f.p99, 2)} ms (raw ws ${fmt(f.rawP99, 2)} ms)`,
      '<= 2x raw ws',
      mark(f.p99 <= 2 * f.rawP99),
    ]);
    const probe = `probe ${fmt(f.probeAckP99, 2)} ms, raw ws probe ${fmt(f.rawProbeAckP99, 2)} ms`;
    row([
      `publish-to-ack p99, groups of ${size}`,
      `${fmt(f.ackP99, 2)} ms (${probe})`,
      '<= 10 ms',
      mark(f.ackP99 <= 10),
    ]);
  }
  const s = run.storage;
  row([
    'storage: relay path / batched better-sqlite3',
    `${fmt(s.relayRowsPerS)} / ${fmt(s.sqliteBatchRowsPerS)} rows/s = ${fmt(s.ratio, 2)}`,
    '>= 0.5',
    mark(s.ratio >= 0.5),
  ]);
  const i = run.idle;
  row([
    `idle authenticated connections: ${i.connections}`,
    `${fmt(i.rssAfterKb / 1024)} MiB RSS, ${fmt(i.rssPerConnKb, 1)} KiB each`,
    '10,000 in < 1 GiB',
    mark(i.rssPerConnKb * 10_000 + i.rssBeforeKb < 1024 * 1024),
  ]);
  const c = run.catchup;
  row([
    `catch-up of ${fmt(c.backlog)} messages (${c.pages} pages)`,
    `${fmt(c.catchupMs, 1)} ms`,
    '10,000 in < 500 ms',
    mark((c.catchupMs * 10_000) / c.backlog < 500),
  ]);
  row([
    'catch-up correctness',
    `${c.received} received, ${c.gaps} gaps, ${c.duplicates} dups, ${c.missing} missing`,
    'all once, in order',
    mark(c.gaps + c.duplicates + c.missing === 0 && c.received === c.backlog),
  ]);
  const k = run.crypto;
  row([
    'client crypto encrypt+sign',
    `${fmt(k.encryptSignPerS)} msg/s (${k.envelopeBytes}-byte envelope)`,
    '>= 5,000',
    mark(k.encryptSignPerS >= 5000),
  ]);
  row([
    'client crypto verify+decrypt',
    `${fmt(k.verifyDecryptPerS)} msg/s`,
    '>= 5,000',
    mark(k.verifyDecryptPerS >= 5000),
  ]);
  if (run.membership?.length) lines.push('', ...membershipTable(run.membership));
  lines.push('');
  lines.push(`finished in ${fmt(run.durationS, 1)} s`);
  return lines.join('\n');
}

// ------------------------------------------------------------ membership changes

/** A join in a group of 1,000 (approval → newcomer reads) within this long. */
export const JOIN_1000_TARGET_MS = 2000;
/**
 * "Flat": the cost per member at the largest size at most this many times the
 * cost at the smallest. A join carries fixed costs (a handful of requests,
 * store writes) that weigh more in small groups, so a linear cost comes out at
 * or below 1; above 1.5 something grows faster than the member count.
 */
export const MEMBERSHIP_FLATNESS_LIMIT = 1.5;

interface MembershipFigures {
  /** the join at 1,000 members, or at the largest size measured when a run stays smaller (quick) */
  joinMembers: number;
  joinMs: number;
  /** join µs per member at the largest size / at the smallest */
  flatness: number;
  removeFlatness: number;
}

function membershipFigures(rows: readonly MembershipResult[]): MembershipFigures {
  const small = rows[0]!;
  const large = rows[rows.length - 1]!;
  const join = rows.find((r) => r.members === 1000) ?? large;
  return {
    joinMembers: join.members,
    joinMs: join.join_ms,
    flatness: large.join_us_per_member / small.join_us_per_member,
    removeFlatness: large.remove_us_per_member / small.remove_us_per_member,
  };
}

export function membershipSummary(rows: readonly MembershipResult[]): Record<string, unknown> {
  if (rows.length === 0) return {};
  const f = membershipFigures(rows);
  return {
    membership_join_ms: f.joinMs,
    membership_join_members: f.joinMembers,
    membership_flatness: round(f.flatness, 3),
    membership_remove_flatness: round(f.removeFlatness, 3),
    membership: rows,
  };
}

/** The membership rows and their two targets. */
export function membershipTable(rows: readonly MembershipResult[]): string[] {
  const lines: string[] = [];
  const row = (cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);
  row([
    'members',
    'join ms (approve / newcomer sync)',
    'join µs/member',
    'approve CPU ms (client / relay)',
    'join upload',
    'join requests',
    'removal ms (remove / member sync)',
    'removal µs/member',
  ]);
  row(Array(8).fill('---'));
  for (const r of rows)
    row([
      fmt(r.members),
      `${fmt(r.join_ms, 1)} (${fmt(r.join_seal_ms, 1)} / ${fmt(r.join_fetch_ms, 1)})`,
      fmt(r.join_us_per_member),
      `${fmt(r.join_seal_cpu_ms)} / ${fmt(r.join_relay_cpu_ms)}`,
      `${fmt(r.join_bytes / 1024, 1)} KiB`,
      fmt(r.join_requests),
      `${fmt(r.remove_ms, 1)} (${fmt(r.remove_seal_ms, 1)} / ${fmt(r.remove_fetch_ms, 1)})`,
      fmt(r.remove_us_per_member),
    ]);
  const f = membershipFigures(rows);
  const small = rows[0]!.members;
  const large = rows[rows.length - 1]!.members;
  lines.push('');
  row(['target', 'measured', 'goal', '']);
  row(['---', '---', '---', '---']);
  row([
    `join, approval to newcomer reading, ${fmt(f.joinMembers)} members`,
    `${fmt(f.joinMs, 1)} ms`,
    `<= ${fmt(JOIN_1000_TARGET_MS)} ms at 1,000`,
    mark(f.joinMs <= JOIN_1000_TARGET_MS),
  ]);
  row([
    `join cost per member, ${fmt(large)} / ${fmt(small)} members`,
    fmt(f.flatness, 2),
    `<= ${MEMBERSHIP_FLATNESS_LIMIT}`,
    mark(f.flatness <= MEMBERSHIP_FLATNESS_LIMIT),
  ]);
  row([
    `removal cost per member, ${fmt(large)} / ${fmt(small)} members`,
    fmt(f.removeFlatness, 2),
    `<= ${MEMBERSHIP_FLATNESS_LIMIT}`,
    mark(f.removeFlatness <= MEMBERSHIP_FLATNESS_LIMIT),
  ]);
  return lines;
}
