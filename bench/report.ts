// The benchmark's output: one readable table, and one JSON object with the
// headline figures (worst case over the group sizes) and every detail.
import type { CatchupResult } from './scenarios/catchup';
import type { CryptoResult } from './scenarios/crypto';
import type { FirstLoadResult } from './scenarios/first-load';
import type { IdleResult } from './scenarios/idle';
import type { MembershipResult } from './scenarios/membership';
import { GENERATOR_CPU_LIMIT, type LoadResult } from './scenarios/load';
import { bySizeJson, figures, fmt, loadTable, type SizeFigures, sizesOf } from './report-figures';
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
  /** the web app's first and repeat visit over slow 4G (absent from runs that left it out) */
  firstLoad?: FirstLoadResult;
  /** joins and removals in growing groups (absent from runs made before it existed) */
  membership?: MembershipResult[];
  durationS: number;
}

const worst = <T>(items: T[], key: (t: T) => number) => items.reduce((a, b) => (key(b) < key(a) ? b : a));

/** The web app's first load (scenarios/first-load.ts; firstLoadSummary below). */
const FIRST_LOAD_KEYS = [
  'web_first_visit_bytes',
  'web_uncompressed_bytes',
  'web_first_visit_ratio',
  'web_first_usable_ms',
  'web_repeat_usable_ms',
  'web_repeat_bytes',
] as const;

/** The per-member cost ratios of the membership scenario: at 1,000 and at 5,000 members over 100 (see MEMBERSHIP_RATIO_SIZES). */
const MEMBERSHIP_RATIO_KEYS = [
  'membership_flatness_1000',
  'membership_remove_flatness_1000',
  'membership_flatness_5000',
  'membership_remove_flatness_5000',
] as const;

/** The keys every --json summary carries (CI checks them). */
export const REQUIRED_KEYS = [
  'relay_deliveries_per_s',
  'raw_ws_deliveries_per_s',
  'socketio_deliveries_per_s',
  'ratio_vs_raw_ws',
  'ceiling_deliveries_per_s',
  'ratio_vs_ceiling',
  'ceiling_p99_ms',
  'ceiling_ack_p99_ms',
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
  'crypto_bare_sign_per_s',
  'crypto_bare_verify_per_s',
  'catchup_direct_ms',
  ...FIRST_LOAD_KEYS,
  'membership_join_ms',
  'membership_flatness',
  ...MEMBERSHIP_RATIO_KEYS,
] as const;

/** One target of the benchmark, judged on ratios measured in the same run. */
export interface Target {
  name: string;
  measured: string;
  goal: string;
  met: boolean;
}

export function targets(run: BenchRun): Target[] {
  const list: Target[] = [];
  const add = (name: string, measured: string, goal: string, met: boolean) => list.push({ name, measured, goal, met });
  for (const size of sizesOf(run.load)) {
    const f = figures(run.load, size);
    const saturated = f.generatorCpuMax > GENERATOR_CPU_LIMIT ? ' (a generator was saturated: invalid)' : '';
    add(
      `relay / ceiling deliveries, groups of ${size}`,
      `${fmt(f.relay)} / ${fmt(f.ceiling)} = ${fmt(f.ratioCeiling, 2)}${saturated}`,
      '>= 0.7',
      f.ratioCeiling >= 0.7,
    );
    add(`relay / Socket.IO deliveries, groups of ${size}`, fmt(f.ratioSocketio, 2), '>= 1.5', f.ratioSocketio >= 1.5);
    add(
      `p99 end-to-end at 50 % of the relay's maximum, groups of ${size}`,
      `${fmt(f.p99, 2)} ms (ceiling ${fmt(f.ceilingP99, 2)} ms, raw ws ${fmt(f.rawP99, 2)} ms)`,
      '<= 2x ceiling',
      f.p99 <= 2 * f.ceilingP99,
    );
    add(
      `publish-to-ack p99, groups of ${size}`,
      `${fmt(f.ackP99, 2)} ms (ceiling ${fmt(f.ceilingAckP99, 2)} ms; probes ${fmt(f.probeAckP99, 2)} / ${fmt(f.ceilingProbeAckP99, 2)} ms)`,
      '<= 2x ceiling',
      f.ackP99 <= 2 * f.ceilingAckP99,
    );
  }
  const s = run.storage;
  add(
    'storage: relay path / batched better-sqlite3',
    `${fmt(s.relayRowsPerS)} / ${fmt(s.sqliteBatchRowsPerS)} rows/s = ${fmt(s.ratio, 2)}`,
    '>= 0.5',
    s.ratio >= 0.5,
  );
  const i = run.idle;
  add(
    `idle authenticated connections: ${i.connections}`,
    `${fmt(i.rssAfterKb / 1024)} MiB RSS, ${fmt(i.rssPerConnKb, 1)} KiB each`,
    '10,000 in < 1 GiB',
    i.rssPerConnKb * 10_000 + i.rssBeforeKb < 1024 * 1024,
  );
  const c = run.catchup;
  add(
    `catch-up of ${fmt(c.backlog)} messages (${c.pages} pages) / the same rows read and serialised with better-sqlite3`,
    `${fmt(c.catchupMs, 1)} / ${fmt(c.directMs, 1)} ms = ${fmt(c.catchupMs / c.directMs, 2)}x`,
    '<= 3x',
    c.catchupMs <= 3 * c.directMs,
  );
  add(
    'catch-up correctness',
    `${c.received} received, ${c.gaps} gaps, ${c.duplicates} dups, ${c.missing} missing`,
    'all once, in order',
    c.gaps + c.duplicates + c.missing === 0 && c.received === c.backlog,
  );
  const k = run.crypto;
  add(
    'client encrypt+sign / bare Ed25519 signing',
    `${fmt(k.encryptSignPerS)} / ${fmt(k.bareSignPerS)} per s = ${fmt(k.encryptSignPerS / k.bareSignPerS, 2)} (${k.envelopeBytes}-byte envelope)`,
    '>= 0.7',
    k.encryptSignPerS >= 0.7 * k.bareSignPerS,
  );
  add(
    'client verify+decrypt / bare Ed25519 verification',
    `${fmt(k.verifyDecryptPerS)} / ${fmt(k.bareVerifyPerS)} per s = ${fmt(k.verifyDecryptPerS / k.bareVerifyPerS, 2)}`,
    '>= 0.7',
    k.verifyDecryptPerS >= 0.7 * k.bareVerifyPerS,
  );
  if (run.firstLoad) list.push(...firstLoadTargets(run.firstLoad));
  if (run.membership?.length) list.push(...membershipTargets(run.membership));
  return list;
}

export function summary(run: BenchRun): Record<string, unknown> {
  const bySize = sizesOf(run.load).map((size) => ({ size, ...figures(run.load, size) }));
  const tput = worst(bySize, (f) => f.ratioCeiling);
  const lat = worst(bySize, (f) => -(f.p99 / f.ceilingP99));
  const perSize = (pick: (f: SizeFigures) => number, digits: number) =>
    Object.fromEntries(bySize.map((f) => [f.size, round(pick(f), digits)]));
  const correct =
    run.catchup.gaps + run.catchup.duplicates + run.catchup.missing === 0 &&
    bySize.every((f) => f.gaps + f.duplicates + f.errors === 0 && f.reach === 1);
  const generatorCpuMax = Math.max(...bySize.map((f) => f.generatorCpuMax));
  return {
    mode: run.mode,
    relay_deliveries_per_s: round(tput.relay, 0),
    ceiling_deliveries_per_s: round(tput.ceiling, 0),
    raw_ws_deliveries_per_s: round(tput.raw, 0),
    socketio_deliveries_per_s: round(tput.socketio, 0),
    ratio_vs_ceiling: round(Math.min(...bySize.map((f) => f.ratioCeiling)), 3),
    ratio_vs_ceiling_by_group_size: perSize((f) => f.ratioCeiling, 3),
    ratio_vs_raw_ws: round(Math.min(...bySize.map((f) => f.ratioRaw)), 3),
    ratio_vs_socketio: round(Math.min(...bySize.map((f) => f.ratioSocketio)), 3),
    p50_ms: round(lat.p50, 2),
    p99_ms: round(lat.p99, 2),
    ceiling_p99_ms: round(lat.ceilingP99, 2),
    raw_ws_p99_ms: round(lat.rawP99, 2),
    socketio_p99_ms: round(lat.socketioP99, 2),
    ack_p99_ms: round(Math.max(...bySize.map((f) => f.ackP99)), 2),
    ceiling_ack_p99_ms: round(worst(bySize, (f) => -(f.ackP99 / f.ceilingAckP99)).ceilingAckP99, 2),
    probe_ack_p99_ms: round(Math.max(...bySize.map((f) => f.probeAckP99)), 2),
    raw_ws_probe_ack_p99_ms: round(Math.max(...bySize.map((f) => f.rawProbeAckP99)), 2),
    server_us_per_post: {
      relay: perSize((f) => f.relayUsPerPost, 1),
      ceiling: perSize((f) => f.ceilingUsPerPost, 1),
    },
    generator_cpu_max: round(generatorCpuMax, 3),
    generator_saturated: generatorCpuMax > GENERATOR_CPU_LIMIT,
    catchup_10k_ms: round(run.catchup.catchupMs, 1),
    catchup_direct_ms: round(run.catchup.directMs, 1),
    catchup_ratio_vs_direct: round(run.catchup.catchupMs / run.catchup.directMs, 3),
    catchup_messages: run.catchup.backlog,
    rss_per_conn_kb: round(run.idle.rssPerConnKb, 1),
    idle_connections: run.idle.connections,
    idle_rss_mb: round(run.idle.rssAfterKb / 1024, 1),
    storage_relay_rows_per_s: round(run.storage.relayRowsPerS, 0),
    storage_sqlite_batch_rows_per_s: round(run.storage.sqliteBatchRowsPerS, 0),
    storage_ratio: round(run.storage.ratio, 3),
    crypto_encrypt_sign_per_s: round(run.crypto.encryptSignPerS, 0),
    crypto_verify_decrypt_per_s: round(run.crypto.verifyDecryptPerS, 0),
    crypto_bare_sign_per_s: round(run.crypto.bareSignPerS, 0),
    crypto_bare_verify_per_s: round(run.crypto.bareVerifyPerS, 0),
    crypto_encrypt_sign_ratio: round(run.crypto.encryptSignPerS / run.crypto.bareSignPerS, 3),
    crypto_verify_decrypt_ratio: round(run.crypto.verifyDecryptPerS / run.crypto.bareVerifyPerS, 3),
    reach: round(Math.min(...bySize.map((f) => f.reach)), 6),
    correct,
    targets_missed: targets(run)
      .filter((t) => !t.met)
      .map((t) => t.name),
    by_group_size: bySizeJson(run.load),
    ...(run.firstLoad ? firstLoadSummary(run.firstLoad) : {}),
    ...membershipSummary(run.membership ?? []),
    machine: run.machine,
    duration_s: round(run.durationS, 1),
  };
}

const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');

export function table(run: BenchRun): string {
  const lines: string[] = [];
  const row = (cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);
  lines.push(
    `Mindeulle benchmark (${run.mode}); ${run.machine.nproc} cores (${run.machine.cpu}), Node ${run.machine.node}, ${run.machine.pinned ? 'server and load pinned to separate cores' : 'not pinned'}`,
  );
  lines.push('');
  lines.push(...loadTable(run.load));
  if (run.membership?.length) lines.push('', ...membershipRows(run.membership));
  lines.push('');
  row(['target', 'measured', 'goal', '']);
  row(['---', '---', '---', '---']);
  for (const t of targets(run)) row([t.name, t.measured, t.goal, mark(t.met)]);
  lines.push('');
  lines.push(`finished in ${fmt(run.durationS, 1)} s`);
  return lines.join('\n');
}

// The web app's first load on a phone (scenarios/first-load.ts): its summary and targets (its keys are above).
export const FIRST_LOAD_TARGETS = { ratio: 0.4, firstUsableMs: 3000, repeatUsableMs: 1000 };

export function firstLoadSummary(f: FirstLoadResult): Record<(typeof FIRST_LOAD_KEYS)[number], number> {
  return {
    web_first_visit_bytes: f.first.bytes,
    web_uncompressed_bytes: f.first.uncompressedBytes,
    web_first_visit_ratio: round(f.first.bytes / f.first.uncompressedBytes, 3),
    web_first_usable_ms: round(f.first.usableMs, 0),
    web_repeat_usable_ms: round(f.repeat.usableMs, 0),
    web_repeat_bytes: f.repeat.bytes,
  };
}

/** Its targets: bytes against uncompressed, time to the first screen, first and repeat visit. */
export function firstLoadTargets(f: FirstLoadResult): Target[] {
  const kb = (n: number) => `${fmt(n / 1000, 1)} kB`;
  const on = `${f.profile.name} (${f.profile.rttMs} ms RTT, ${fmt((f.profile.downBytesPerS * 8) / 1e6, 1)} Mbit/s down), CPU ${f.cpuSlowdown}x slower`;
  const ratio = f.first.bytes / f.first.uncompressedBytes;
  const rounds = (ms: number[]) => (ms.length > 1 ? ` (${ms.map((m) => fmt(m)).join(' / ')})` : '');
  return [
    {
      name: 'web app first visit: bytes received / uncompressed',
      measured: `${kb(f.first.bytes)} / ${kb(f.first.uncompressedBytes)} = ${fmt(ratio, 2)} (${f.first.requests} responses; ${kb(f.first.bytesAtUsable)} before usable)`,
      goal: `<= ${FIRST_LOAD_TARGETS.ratio}`,
      met: ratio <= FIRST_LOAD_TARGETS.ratio,
    },
    {
      name: `web app first visit usable, ${on}`,
      measured: `${fmt(f.first.usableMs)} ms${rounds(f.firstRoundsMs)}`,
      goal: `<= ${fmt(FIRST_LOAD_TARGETS.firstUsableMs)} ms`,
      met: f.first.usableMs <= FIRST_LOAD_TARGETS.firstUsableMs,
    },
    {
      name: `web app repeat visit usable (service worker ${f.repeat.controlled ? 'in charge' : 'NOT in charge'})`,
      measured: `${fmt(f.repeat.usableMs)} ms${rounds(f.repeatRoundsMs)}, ${kb(f.repeat.bytes)} received`,
      goal: `<= ${fmt(FIRST_LOAD_TARGETS.repeatUsableMs)} ms`,
      met: f.repeat.controlled && f.repeat.usableMs <= FIRST_LOAD_TARGETS.repeatUsableMs,
    },
  ];
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

/** The per-member cost is compared at these sizes against MEMBERSHIP_RATIO_BASE's (the target is judged at the last). */
export const MEMBERSHIP_RATIO_SIZES = [1000, 5000] as const;
export const MEMBERSHIP_RATIO_BASE = 100;

interface MembershipRatio {
  /** the size asked for, the sizes actually compared (a run without them, quick, compares its largest with its smallest) */
  size: number;
  members: number;
  baseMembers: number;
  join: number;
  remove: number;
}

interface MembershipFigures {
  /** the join at 1,000 members, or at the largest size measured when a run stays smaller (quick) */
  joinMembers: number;
  joinMs: number;
  /** join µs per member at the largest size / at the smallest */
  flatness: number;
  removeFlatness: number;
  ratios: MembershipRatio[];
}

function membershipRatio(rows: readonly MembershipResult[], size: number): MembershipRatio {
  const largest = rows[rows.length - 1]!;
  const at = rows.find((r) => r.members === size) ?? largest;
  const base = rows.find((r) => r.members === MEMBERSHIP_RATIO_BASE && r.members < at.members) ?? rows[0]!;
  return {
    size,
    members: at.members,
    baseMembers: base.members,
    join: at.join_us_per_member / base.join_us_per_member,
    remove: at.remove_us_per_member / base.remove_us_per_member,
  };
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
    ratios: MEMBERSHIP_RATIO_SIZES.map((size) => membershipRatio(rows, size)),
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
    // per-member cost at 1,000 and at 5,000 over the cost at 100 (the sizes compared: `_members`, `_base_members`)
    ...Object.fromEntries(
      f.ratios.flatMap((r) => [
        [`membership_flatness_${r.size}`, round(r.join, 3)],
        [`membership_remove_flatness_${r.size}`, round(r.remove, 3)],
        [`membership_flatness_${r.size}_members`, r.members],
        [`membership_flatness_${r.size}_base_members`, r.baseMembers],
      ]),
    ),
    membership: rows,
  };
}

/** One row per group size: the join and the removal, split, with the bytes, requests and CPU of the approval. */
export function membershipRows(rows: readonly MembershipResult[]): string[] {
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
  return lines;
}

/** Its targets: the join at 1,000 members, and the cost per member flat from 100 to 5,000 (the last ratio size). */
export function membershipTargets(rows: readonly MembershipResult[]): Target[] {
  const f = membershipFigures(rows);
  const flat = f.ratios[f.ratios.length - 1]!;
  const span = `flat from ${fmt(flat.baseMembers)} to ${fmt(flat.members)} (${fmt(flat.members)} / ${fmt(flat.baseMembers)} members)`;
  return [
    {
      name: `join, approval to newcomer reading, ${fmt(f.joinMembers)} members`,
      measured: `${fmt(f.joinMs, 1)} ms`,
      goal: `<= ${fmt(JOIN_1000_TARGET_MS)} ms at 1,000`,
      met: f.joinMs <= JOIN_1000_TARGET_MS,
    },
    {
      name: `join cost per member ${span}`,
      measured: fmt(flat.join, 2),
      goal: `<= ${MEMBERSHIP_FLATNESS_LIMIT}`,
      met: flat.join <= MEMBERSHIP_FLATNESS_LIMIT,
    },
    {
      name: `removal cost per member ${span}`,
      measured: fmt(flat.remove, 2),
      goal: `<= ${MEMBERSHIP_FLATNESS_LIMIT}`,
      met: flat.remove <= MEMBERSHIP_FLATNESS_LIMIT,
    },
  ];
}

/** The rows and their targets (--only=membership). */
export function membershipTable(rows: readonly MembershipResult[]): string[] {
  const lines = [...membershipRows(rows), '', '| target | measured | goal |  |', '| --- | --- | --- | --- |'];
  for (const t of membershipTargets(rows)) lines.push(`| ${t.name} | ${t.measured} | ${t.goal} | ${mark(t.met)} |`);
  return lines;
}
