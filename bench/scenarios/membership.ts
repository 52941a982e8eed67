// Cost as the work grows: one join and one removal in groups of n members,
// through the real SDK and the real relay. A join or a removal starts a new
// epoch whose secret the admin seals to every member (PROTOCOL.md section 6),
// so both are O(n); the figures per member say how that grows and where a
// tree-based scheme (MLS TreeKEM, O(log n) per change) would start to pay.
//
// The group itself is built the cheap honest way (as bench/lib/population.ts
// does): bench devices with their own keys register on the relay and ask to
// join with an invite, and the SDK admin's key signs commits of 64 adds. Only
// the measured join and removal go through the SDK clients (admin, newcomer,
// and one remaining member who reads after the removal).
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
import { applyCommit, MAX_OPS_PER_COMMIT, type RosterOp, signCommit } from '../../shared/protocol/roster';
import { profiled } from '../lib/cpu-profile';
import { type BenchDevice, CHAT_TEXT, pool, registerDevices } from '../lib/population';
import { round } from '../lib/stats';

export interface MembershipResult {
  /** members after the join (the removal then leaves members - 1) */
  members: number;
  /** admin's approve() called → newcomer has read the admin's first message after it */
  join_ms: number;
  /** the admin's approve(): commit, seal to every member, upload, announce in the new epoch */
  join_seal_ms: number;
  /** the newcomer's sync: verify the chain, fetch and open her envelope, read the message */
  join_fetch_ms: number;
  /** request bodies the admin sent during approve() (the envelopes, mostly) */
  join_bytes: number;
  /** HTTP requests the admin made during approve() */
  join_requests: number;
  join_us_per_member: number;
  /** removeMember() called → a remaining member has read the admin's first message in the new epoch */
  remove_ms: number;
  remove_seal_ms: number;
  remove_fetch_ms: number;
  remove_us_per_member: number;
}

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
 * Admits the witness and the bench devices in commits of at most 64 adds signed
 * with the SDK admin's key; each device asks to join first, with an invite per
 * commit (the relay caps the requests pending on one invite).
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
    const asking = devices.slice(Math.max(0, i - 1), i - 1 + MAX_OPS_PER_COMMIT);
    const { code } = await admin.createInvite(groupId, { maxUses: MAX_OPS_PER_COMMIT });
    if (i === 0) await witness.join(code);
    await pool(asking, 16, async (d) => {
      const api = new RelayApi(baseUrl);
      api.token = d.token;
      await api.redeemInvite(code);
    });
    const commit = signCommit(
      {
        v: 1,
        group: groupId,
        seq: state.seq + 1,
        prev: state.head,
        epoch: state.epoch + 1,
        author: admin.deviceId,
        ops: ops.slice(i, i + MAX_OPS_PER_COMMIT),
      },
      admin.identity.keys.signSk,
    );
    await admin.session.call((api) => api.appendCommit(groupId, commit));
    state = applyCommit(state, commit);
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

async function measureSize(baseUrl: string, dir: string, members: number): Promise<MembershipResult> {
  const traffic: Traffic = { bytes: 0, requests: 0 };
  const admin = await sdkClient(baseUrl, path.join(dir, 'admin'), 'Admin', traffic);
  const witness = await sdkClient(baseUrl, path.join(dir, 'witness'), 'Witness');
  const newcomer = await sdkClient(baseUrl, path.join(dir, 'newcomer'), 'Newcomer');
  try {
    // Before the join: admin, witness and members - 3 bench devices.
    const devices: BenchDevice[] = await registerDevices(baseUrl, members - 3);
    const groupId = await admin.createGroup(`bench ${members}`);
    await addInBulk(baseUrl, admin, groupId, witness, devices);
    await witness.sync();

    // The join.
    const { code } = await admin.createInvite(groupId);
    const { requestId } = await newcomer.join(code);
    const welcome = `${CHAT_TEXT} (join ${members})`;
    traffic.bytes = traffic.requests = 0;
    const j0 = performance.now();
    await profiled(`approve-${members}`, () => admin.approve(groupId, requestId));
    const j1 = performance.now();
    const join = { ...traffic };
    await admin.send(groupId, welcome);
    const j2 = performance.now();
    await readText(newcomer, groupId, welcome);
    const j3 = performance.now();
    if (admin.states.get(groupId)!.chain.current.members.size !== members)
      throw new Error('membership bench: the group does not have the planned size');

    // The removal of one bench device; the witness (caught up first) reads in the new epoch.
    await witness.sync();
    const after = `${CHAT_TEXT} (removal ${members})`;
    const r0 = performance.now();
    await profiled(`remove-${members}`, () => admin.removeMember(groupId, devices[0]!.deviceId));
    const r1 = performance.now();
    await admin.send(groupId, after);
    const r2 = performance.now();
    await readText(witness, groupId, after);
    const r3 = performance.now();

    const joinMs = j3 - j0;
    const removeMs = r3 - r0;
    return {
      members,
      join_ms: round(joinMs, 1),
      join_seal_ms: round(j1 - j0, 1),
      join_fetch_ms: round(j3 - j2, 1),
      join_bytes: join.bytes,
      join_requests: join.requests,
      join_us_per_member: round((joinMs * 1000) / members, 0),
      remove_ms: round(removeMs, 1),
      remove_seal_ms: round(r1 - r0, 1),
      remove_fetch_ms: round(r3 - r2, 1),
      remove_us_per_member: round((removeMs * 1000) / (members - 1), 0),
    };
  } finally {
    await Promise.all([admin, witness, newcomer].map((c) => c.close(2000).catch(() => {})));
  }
}

/** One join and one removal per group size, each size in a group of its own, smallest first. */
export async function runMembership(
  baseUrl: string,
  dir: string,
  sizes: readonly number[],
  log: (line: string) => void = () => {},
): Promise<MembershipResult[]> {
  const results: MembershipResult[] = [];
  for (const members of sizes) {
    log(`membership: building a group of ${members - 1}, then a join and a removal`);
    results.push(await measureSize(baseUrl, path.join(dir, `membership-${members}`), members));
  }
  return results;
}
