// Test helpers: devices, a group with a verified roster, and opened epoch keys.
import { toB64 } from '../../../shared/crypto/encoding';
import { memzero, randomBytes } from '../../../shared/crypto/primitives';
import { type DeviceKeys, deviceIdFromSignPk, devicePublic, generateDeviceKeys } from '../../../shared/protocol/device';
import { newEpochSecret, openEpochEnvelope, sealEpochSecret } from '../../../shared/protocol/epoch-envelope';
import { type EpochKeys, openEpoch } from '../../../shared/protocol/epoch-keys';
import {
  applyCommit,
  applyGenesis,
  type CommitBody,
  type Role,
  type RosterOp,
  type RosterState,
  type SignedCommit,
  signCommit,
} from '../../../shared/protocol/roster';

export const idOf = (d: DeviceKeys) => deviceIdFromSignPk(d.signPk);
export const newGroupId = () => toB64(randomBytes(16));

export function addOp(d: DeviceKeys, role: Role = 'member'): Extract<RosterOp, { op: 'add' }> {
  return { op: 'add', device: idOf(d), signPk: toB64(d.signPk), role };
}

export function genesisCommit(admin: DeviceKeys, group = newGroupId(), extra: Partial<CommitBody> = {}): SignedCommit {
  return signCommit(
    { v: 1, group, seq: 0, prev: null, epoch: 1, author: idOf(admin), ops: [addOp(admin, 'admin')], ...extra },
    admin.signSk,
  );
}

/** A body for the next commit after `state`; `epoch` defaults to the next epoch. */
export function nextBody(
  state: RosterState,
  author: DeviceKeys,
  ops: RosterOp[],
  extra: Partial<CommitBody> = {},
): CommitBody {
  return {
    v: 1,
    group: state.group,
    seq: state.seq + 1,
    prev: state.head,
    epoch: state.epoch + 1,
    author: idOf(author),
    ops,
    ...extra,
  };
}

export function commitNext(state: RosterState, author: DeviceKeys, ops: RosterOp[], extra: Partial<CommitBody> = {}) {
  const commit = signCommit(nextBody(state, author, ops, extra), author.signSk);
  return { commit, state: applyCommit(state, commit) };
}

export interface Group {
  group: string;
  admin: DeviceKeys;
  members: DeviceKeys[]; // admin first
  roster: RosterState;
  chain: SignedCommit[];
}

/**
 * A group with an admin and `n` further members (roles given or 'member'), at
 * the epoch after adding them. `devices` reuses existing devices (admin first).
 */
export function makeGroup(n: number, roles: Role[] = [], devices?: DeviceKeys[]): Group {
  const admin = devices?.[0] ?? generateDeviceKeys();
  const genesis = genesisCommit(admin);
  let roster = applyGenesis(genesis);
  const others = Array.from({ length: n }, (_, i) => devices?.[i + 1] ?? generateDeviceKeys());
  const chain = [genesis];
  if (n > 0) {
    const r = commitNext(
      roster,
      admin,
      others.map((d, i) => addOp(d, roles[i] ?? 'member')),
    );
    roster = r.state;
    chain.push(r.commit);
  }
  return { group: roster.group, admin, members: [admin, ...others], roster, chain };
}

/** Every member opens the same epoch secret (each gets her own copy to wipe). */
export function openAll(g: Group, secret: Uint8Array = randomBytes(32)): EpochKeys[] {
  return g.members.map((d) => openEpoch(secret.slice(), g.roster, idOf(d)));
}

/**
 * The real hand-over of a new epoch: the admin seals one secret to each given
 * device's current key, and each opens her envelope and the epoch. Returns the
 * envelopes and each device's epoch keys, in the order given.
 */
export function distributeEpoch(roster: RosterState, admin: DeviceKeys, devices: DeviceKeys[]) {
  const secret = newEpochSecret();
  const envelopes = devices.map((d) => sealEpochSecret({ secret, roster, admin, recipient: devicePublic(d) }));
  memzero(secret);
  const keys = devices.map((d, i) =>
    openEpoch(openEpochEnvelope(envelopes[i]!, { roster, recipient: d }), roster, idOf(d)),
  );
  return { envelopes, keys };
}
