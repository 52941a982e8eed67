// Cost as the work grows: one join and one removal in groups of n members,
// through the real SDK and the real relay. A join or a removal starts a new
// epoch whose secret the admin seals to every member (PROTOCOL.md section 6),
// so both are O(n); the figures per member say how that grows and where a
// tree-based scheme (MLS TreeKEM, O(log n) per change) would start to pay.
//
// The group itself is built the cheap honest way (as bench/lib/population.ts
// does): bench devices with their own keys register on the relay and ask to
// join with an invite, and the SDK admin's key signs one commit per add (the
// chain a group grown by approvals has) without sealing an epoch for each.
// The measured joins and removals go through the SDK clients (admin,
// newcomers, and one remaining member who reads after each removal); each
// figure is the median of three.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { FileStore } from '../../client/node/file-store';
import type { Client } from '../../client/sdk/client';
import type { WebSocketLike } from '../../client/sdk/live-socket';
import { createClient } from '../../client/sdk/open';
import { RelayApi } from '../../client/sdk/relay-api';
import { toB64 } from '../../shared/crypto/encoding';
import { MIN_PASSPHRASE_PARAMS } from '../../shared/crypto/passphrase-key';
import { applyCommit, MAX_OPS_PER_COMMIT, type RosterOp } from '../../shared/protocol/roster';
import { profiled } from '../lib/cpu-profile';
import { type BenchDevice, CHAT_TEXT, pool, registerDevices, nextCommit } from '../lib/population';
import { cpuSeconds } from '../lib/processes';
import { median, round } from '../lib/stats';

export interface MembershipResult {
  /** members after the last join (each removal then takes one out) */
  members: number;
  /** admin's approve() called → newcomer has read the admin's first message after it (the median over the joins measured) */
  join_ms: number;
  /** the admin's approve(): commit, seal to every member, upload, announce in the new epoch */
  join_seal_ms: number;
  /** the newcomer's sync: verify the chain, fetch and open her envelope, read the message */
  join_fetch_ms: number;
  /** CPU time of the client process (the admin's side) during approve() */
  join_seal_cpu_ms: number;
  /** CPU time of the relay during approve() */
  join_relay_cpu_ms: number;
  /** request bodies the admin sent during approve() (the envelopes, mostly) */
  join_bytes: number;
  /** HTTP requests the admin made during approve() */
  join_requests: number;
  join_us_per_member: number;
  /** removeMember() called → a remaining member has read the admin's first message in the new epoch (the median) */
  remove_ms: number;
  remove_seal_ms: number;
  remove_fetch_ms: number;
  remove_seal_cpu_ms: number;
  remove_us_per_member: number;
}

/** Joins and removals measured per size by default; each figure is the median (this machine's timings swing). */
export const REPEATS = 3;
/** One add per commit, as a group grows in life (one approval at a time): the newcomer verifies that chain. */
const ADDS_PER_COMMIT = 1;

interface Traffic {
  bytes: number;
  requests: number;
}

/** The platform fetch, counting what goes out (request bodies are JSON strings). */
const countingFetch =
  (traffic: Traffic) =>
  (input: string, init?: RequestInit): Promise<Response> => {
    traffic.requests++;
    if (typeof init?.body === 'string') traffic.bytes += Buffer.byteLength(init.body);
    return fetch(input, init);
  };

async function sdkClient(baseUrl: string, dir: string, name: string, traffic?: Traffic): Promise<Client> {
  await mkdir(dir, { recursive: true });
  return createClient({
    serverUrl: baseUrl,
    store: new FileStore(dir),
    passphrase: 'membership bench',
    kdf: MIN_PASSPHRASE_PARAMS,
    openSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
    displayName: name,
    ...(traffic ? { fetch: countingFetch(traffic) } : {}),
  });
}

/**
 * Admits the witness and the bench devices, each in a commit of its own signed
 * with the SDK admin's key (ADDS_PER_COMMIT); each device asks to join first,
 * with an invite per 64 of them (the relay caps the requests pending on one invite).
 */
async function addInBulk(
  baseUrl: string,
  admin: Client,
  groupId: string,
  witness: Client,
  devices: readonly BenchDevice[],
): Promise<void> {
  const ops = [
    addOp(witness.deviceId, witness.identity.keys.signPk),
    ...devices.map((d) => addOp(d.deviceId, d.keys.signPk)),
  ];
  let state = admin.states.get(groupId)!.chain.current;
  for (let i = 0; i < ops.length; i += MAX_OPS_PER_COMMIT) {
    const { code } = await admin.createInvite(groupId, { maxUses: MAX_OPS_PER_COMMIT });
    if (i === 0) await witness.join(code);
    await pool(devices.slice(Math.max(0, i - 1), i - 1 + MAX_OPS_PER_COMMIT), 16, async (d) => {
      const api = new RelayApi(baseUrl);
      api.token = d.token;
      await api.redeemInvite(code);
    });
    const batch = ops.slice(i, i + MAX_OPS_PER_COMMIT);
    for (let j = 0; j < batch.length; j += ADDS_PER_COMMIT) {
      const commit = nextCommit(state, admin.deviceId, batch.slice(j, j + ADDS_PER_COMMIT), admin.identity.keys.signSk);
      await admin.session.call((api) => api.appendCommit(groupId, commit));
      state = applyCommit(state, commit);
    }
  }
  await admin.sync(groupId);
}

const addOp = (deviceId: string, signPk: Uint8Array): RosterOp => ({
  op: 'add',
  device: deviceId,
  signPk: toB64(signPk),
  role: 'member',
});

/** Waits until `reader` (after a sync) has read `text` in the group. */
async function readText(reader: Client, groupId: string, text: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    await reader.sync();
    const history = await reader.history(groupId).catch(() => []);
    if (history.some((e) => e.content.type === 'text' && e.content.text === text)) return;
  }
  throw new Error('membership bench: the message was not read');
}

interface Timed {
  totalMs: number;
  sealMs: number;
  fetchMs: number;
  sealCpuMs: number;
  relayCpuMs: number;
  bytes: number;
  requests: number;
}

/**
 * One roster change as a member lives it: `change` (the admin's SDK call),
 * then the admin's message, then `reader` syncs until she has read it.
 */
async function timeChange(
  admin: Client,
  traffic: Traffic,
  relayPid: number,
  groupId: string,
  reader: Client,
  name: string,
  change: () => Promise<void>,
): Promise<Timed> {
  const text = `${CHAT_TEXT} (${name})`;
  traffic.bytes = traffic.requests = 0;
  // Measured inside the profiled stretch, so writing a profile (BENCH_CLIENT_PROFILE) counts in no figure.
  const changed = await profiled(name, async () => {
    const cpu0 = process.cpuUsage();
    const relay0 = cpuSeconds(relayPid);
    const t0 = performance.now();
    await change();
    const sealMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const relayCpuMs = (cpuSeconds(relayPid) - relay0) * 1000;
    return { sealMs, sealCpuMs: (cpu.user + cpu.system) / 1000, relayCpuMs, ...traffic };
  });
  const t1 = performance.now();
  await admin.send(groupId, text);
  const t2 = performance.now();
  await readText(reader, groupId, text);
  const t3 = performance.now();
  return { ...changed, totalMs: changed.sealMs + (t3 - t1), fetchMs: t3 - t2 };
}

async function measureSize(
  baseUrl: string,
  relayPid: number,
  dir: string,
  members: number,
  repeats: number,
): Promise<MembershipResult> {
  const traffic: Traffic = { bytes: 0, requests: 0 };
  const admin = await sdkClient(baseUrl, path.join(dir, 'admin'), 'Admin', traffic);
  const witness = await sdkClient(baseUrl, path.join(dir, 'witness'), 'Witness');
  const clients = [admin, witness];
  try {
    // Before the joins: admin, witness and the bench devices.
    const devices: BenchDevice[] = await registerDevices(baseUrl, members - repeats - 2);
    const groupId = await admin.createGroup(`bench ${members}`);
    await addInBulk(baseUrl, admin, groupId, witness, devices);

    const joins: Timed[] = [];
    for (let k = 0; k < repeats; k++) {
      const newcomer = await sdkClient(baseUrl, path.join(dir, `newcomer-${k}`), `Newcomer ${k}`);
      clients.push(newcomer);
      const { code } = await admin.createInvite(groupId);
      const { requestId } = await newcomer.join(code);
      joins.push(
        await timeChange(admin, traffic, relayPid, groupId, newcomer, `join-${members}-${k}`, () =>
          admin.approve(groupId, requestId),
        ),
      );
    }
    if (admin.states.get(groupId)!.chain.current.members.size !== members)
      throw new Error('membership bench: the group does not have the planned size');

    // Removals of bench devices; the witness (caught up first) reads in each new epoch.
    await witness.sync();
    const removals: Timed[] = [];
    for (let k = 0; k < repeats; k++)
      removals.push(
        await timeChange(admin, traffic, relayPid, groupId, witness, `remove-${members}-${k}`, () =>
          admin.removeMember(groupId, devices[k]!.deviceId),
        ),
      );

    const join = median(joins, (t) => t.totalMs);
    const removal = median(removals, (t) => t.totalMs);
    return {
      members,
      join_ms: round(join.totalMs, 1),
      join_seal_ms: round(join.sealMs, 1),
      join_fetch_ms: round(join.fetchMs, 1),
      join_seal_cpu_ms: round(median(joins, (t) => t.sealCpuMs).sealCpuMs, 1),
      join_relay_cpu_ms: round(median(joins, (t) => t.relayCpuMs).relayCpuMs, 1),
      join_bytes: join.bytes,
      join_requests: join.requests,
      join_us_per_member: round((join.totalMs * 1000) / members, 0),
      remove_ms: round(removal.totalMs, 1),
      remove_seal_ms: round(removal.sealMs, 1),
      remove_fetch_ms: round(removal.fetchMs, 1),
      remove_seal_cpu_ms: round(median(removals, (t) => t.sealCpuMs).sealCpuMs, 1),
      remove_us_per_member: round((removal.totalMs * 1000) / members, 0),
    };
  } finally {
    await Promise.all(clients.map((c) => c.close(2000).catch(() => {})));
  }
}

/** `repeats` joins and removals per group size, each size in a group of its own, smallest first. */
export async function runMembership(
  baseUrl: string,
  relayPid: number,
  dir: string,
  sizes: readonly number[],
  log: (line: string) => void = () => {},
  repeats = REPEATS,
): Promise<MembershipResult[]> {
  const results: MembershipResult[] = [];
  for (const members of sizes) {
    log(`membership: growing a group to ${members - repeats}, then ${repeats} joins and ${repeats} removals`);
    results.push(await measureSize(baseUrl, relayPid, path.join(dir, `membership-${members}`), members, repeats));
  }
  return results;
}
