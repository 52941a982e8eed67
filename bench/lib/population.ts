// Real devices in real groups: each device registers its keys and logs in
// with a signed challenge; each group starts from a signed genesis and admits
// its members, after each asked to join with an invite, with admin-signed
// roster commits, exactly as clients do. Each member also seals one real
// message envelope (a short chat message) for its group, which the load
// generator posts.
import { RelayApi } from '../../client/sdk/relay-api';
import { toB64 } from '../../shared/crypto/encoding';
import { randomBytes } from '../../shared/crypto/primitives';
import { signLogin } from '../../shared/protocol/auth';
import { type DeviceKeys, devicePublic, generateDeviceKeys } from '../../shared/protocol/device';
import { EPOCH_SECRET_BYTES, openEpoch } from '../../shared/protocol/epoch-keys';
import { encryptMessage } from '../../shared/protocol/message-envelope';
import { encodePlaintext } from '../../shared/protocol/plaintext';
import {
  applyCommit,
  applyGenesis,
  MAX_OPS_PER_COMMIT,
  type RosterOp,
  type RosterState,
  signCommit,
} from '../../shared/protocol/roster';

export interface BenchDevice {
  deviceId: string;
  token: string;
  keys: DeviceKeys;
}

export interface BenchGroup {
  groupId: string;
  epoch: number;
  /** indexes into the device list; the first is the admin */
  members: number[];
  /** one sealed envelope (base64url) per member, same order */
  envelopes: string[];
}

/** The admin's next roster commit after `state`: `ops`, in a new epoch, signed. */
export function nextCommit(state: RosterState, author: string, ops: RosterOp[], signSk: Uint8Array) {
  return signCommit(
    { v: 1, group: state.group, seq: state.seq + 1, prev: state.head, epoch: state.epoch + 1, author, ops },
    signSk,
  );
}

/** A short chat message, the size most posts have. */
export const CHAT_TEXT = '내일 오후 3시에 상담소에서 만나요. 괜찮으세요?';

/** Runs `task` over `items` with at most `limit` in flight. */
export async function pool<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function registerDevice(baseUrl: string): Promise<BenchDevice> {
  const keys = generateDeviceKeys();
  const { deviceId, ...wire } = devicePublic(keys);
  const api = new RelayApi(baseUrl);
  await api.register(wire);
  const { challenge } = await api.challenge(deviceId);
  const { token } = await api.login(deviceId, challenge, signLogin(deviceId, challenge, keys.signSk));
  return { deviceId, token, keys };
}

/**
 * A keep-alive connection the server closes just as fetch reuses it fails with
 * "fetch failed" (more likely when a loaded machine delays the client's event
 * loop); such a device starts over with fresh keys.
 */
async function registerWithRetry(baseUrl: string, attempts = 3): Promise<BenchDevice> {
  for (let i = 1; ; i++) {
    try {
      return await registerDevice(baseUrl);
    } catch (err) {
      if (i >= attempts || !(err instanceof TypeError)) throw err;
    }
  }
}

export function registerDevices(baseUrl: string, count: number, concurrency = 32): Promise<BenchDevice[]> {
  return pool(Array.from({ length: count }), concurrency, () => registerWithRetry(baseUrl));
}

/** Each device files a join request with one invite for them all: the relay adds only devices that asked (P13). */
async function askToJoin(baseUrl: string, admin: RelayApi, groupId: string, newcomers: BenchDevice[]): Promise<void> {
  const { code } = await admin.createInvite(groupId, { maxUses: newcomers.length });
  await pool(newcomers, 8, async (d) => {
    const api = new RelayApi(baseUrl);
    api.token = d.token;
    await api.redeemInvite(code);
  });
}

/** Creates a group whose admin is `members[0]` and admits the others (each asked to join) in commits of at most 64 adds. */
export async function growGroup(
  baseUrl: string,
  devices: readonly BenchDevice[],
  members: readonly number[],
): Promise<{ groupId: string; state: RosterState }> {
  const admin = devices[members[0]!]!;
  const api = new RelayApi(baseUrl);
  api.token = admin.token;
  const groupId = toB64(randomBytes(16));
  const addOp = (d: BenchDevice, role: 'admin' | 'member'): RosterOp => ({
    op: 'add',
    device: d.deviceId,
    signPk: toB64(d.keys.signPk),
    role,
  });
  const genesis = signCommit(
    { v: 1, group: groupId, seq: 0, prev: null, epoch: 1, author: admin.deviceId, ops: [addOp(admin, 'admin')] },
    admin.keys.signSk,
  );
  await api.createGroup(genesis);
  let state: RosterState = applyGenesis(genesis);
  const rest = members.slice(1);
  for (let i = 0; i < rest.length; i += MAX_OPS_PER_COMMIT) {
    const batch = rest.slice(i, i + MAX_OPS_PER_COMMIT);
    await askToJoin(
      baseUrl,
      api,
      groupId,
      batch.map((m) => devices[m]!),
    );
    const commit = nextCommit(
      state,
      admin.deviceId,
      batch.map((m) => addOp(devices[m]!, 'member')),
      admin.keys.signSk,
    );
    await api.appendCommit(groupId, commit);
    state = applyCommit(state, commit);
  }
  return { groupId, state };
}

/** growGroup, then one sealed chat message per member (what the load generator posts). */
export async function createGroup(
  baseUrl: string,
  devices: readonly BenchDevice[],
  members: number[],
): Promise<BenchGroup> {
  const { groupId, state } = await growGroup(baseUrl, devices, members);
  // The epoch secret would be sealed to every member; here each member opens it directly.
  const secret = randomBytes(EPOCH_SECRET_BYTES);
  const plaintext = encodePlaintext({ type: 'text', text: CHAT_TEXT, sentAt: Date.now() });
  const envelopes = members.map((m) => {
    const device = devices[m]!;
    const keys = openEpoch(secret.slice(), state, device.deviceId);
    return toB64(encryptMessage(keys, device.keys, 'message', plaintext).envelope);
  });
  return { groupId, epoch: state.epoch, members, envelopes };
}

/** Splits devices [from, from + count) into consecutive groups of `size` and creates them. */
export function createGroups(
  baseUrl: string,
  devices: readonly BenchDevice[],
  from: number,
  count: number,
  size: number,
): Promise<BenchGroup[]> {
  const specs: number[][] = [];
  for (let g = 0; g + size <= count; g += size) specs.push(Array.from({ length: size }, (_, i) => from + g + i));
  return pool(specs, 8, (members) => createGroup(baseUrl, devices, members));
}
