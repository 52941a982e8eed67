// What admins do: roster commits (each starts a new epoch), invites with
// encrypted labels, and join requests with encrypted introductions.
import { fromB64, fromUtf8, toB64, utf8 } from '../../shared/crypto/encoding';
import { openAdminNote, sealAdminNote } from '../../shared/protocol/admin-note';
import type { DevicePublic } from '../../shared/protocol/device';
import { applyCommit, type RosterOp, signCommit } from '../../shared/protocol/roster';
import { safetyNumber } from '../../shared/protocol/safety-number';
import type { InviteView } from '../../shared/schemas/invites';
import type { InviteInfo, InviteOptions, JoinRequestInfo } from './client-api';
import type { Core } from './core';
import { memberKeys, startEpoch } from './epochs';
import { ClientError } from './errors';
import type { GroupState } from './group-state';
import { type InviteSpec, RelayError } from './relay-api';

export const MAX_LABEL_CHARS = 100;

export function requireAdmin(core: Core, state: GroupState): void {
  if (state.record.removed) throw new ClientError('removed', 'this device is no longer a member of the group');
  if (state.chain.current.members.get(core.identity.deviceId)?.role !== 'admin') throw new ClientError('not_admin', 'only admins may do this');
}

/**
 * Signs a commit with the next sequence and the next epoch, checks it against
 * the verified state, hands it to the server (through `submit`), and starts
 * the epoch. On a conflict (another admin was first) the caller syncs and retries.
 */
export async function commitOps(
  core: Core,
  state: GroupState,
  ops: RosterOp[],
  submit: (commit: ReturnType<typeof signCommit>) => Promise<unknown> = (commit) =>
    core.session.call((api) => api.appendCommit(state.groupId, commit)),
): Promise<void> {
  requireAdmin(core, state);
  const cur = state.chain.current;
  const commit = signCommit(
    { v: 1, group: cur.group, seq: cur.seq + 1, prev: cur.head, epoch: cur.epoch + 1, author: core.identity.deviceId, ops },
    core.identity.keys.signSk,
  );
  applyCommit(cur, commit); // an illegal change fails here, before the server sees it
  await submit(commit);
  state.chain.append(commit);
  await state.save(core.store);
  await startEpoch(core.session, state, core.identity, core.now());
  await state.save(core.store);
}

export const isConflict = (e: unknown) => e instanceof RelayError && e.code === 'roster_conflict';

// ------------------------------------------------------------------ notes

const labelContext = (groupId: string) => `invite-label:${groupId}`;
const introContext = (groupId: string, inviteId: string) => `introduction:${groupId}:${inviteId}`;

async function adminKeys(core: Core, state: GroupState): Promise<DevicePublic[]> {
  const admins = [...state.chain.current.members].filter(([, m]) => m.role === 'admin').map(([id]) => id);
  const keys = await Promise.all(admins.map((id) => memberKeys(core.session, state, core.identity, id)));
  return keys.filter((k): k is DevicePublic => k !== null);
}

function sealNote(text: string, recipients: DevicePublic[], context: string, maxBytes: number): string {
  const sealed = toB64(sealAdminNote(utf8(text), recipients, context));
  if (sealed.length > maxBytes) throw new ClientError('too_long', 'the note does not fit for this many admins');
  return sealed;
}

function openNote(core: Core, sealed: string, context: string): string | null {
  if (!sealed) return null;
  try {
    return fromUtf8(openAdminNote(fromB64(sealed), context, core.identity.deviceId, (v) => core.identity.keysFor(v)));
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- invites

export async function inviteSpec(core: Core, state: GroupState, options: InviteOptions = {}): Promise<InviteSpec> {
  requireAdmin(core, state);
  const { label, ...rest } = options;
  if (label === undefined || label === '') return rest;
  if (label.length > MAX_LABEL_CHARS) throw new ClientError('too_long', `a label has at most ${MAX_LABEL_CHARS} characters`);
  return { ...rest, label: sealNote(label, await adminKeys(core, state), labelContext(state.groupId), 1365) };
}

export function inviteInfo(core: Core, v: InviteView): InviteInfo {
  return {
    inviteId: v.inviteId,
    role: v.role,
    expiresAt: v.expiresAt,
    maxUses: v.maxUses,
    uses: v.uses,
    revoked: v.revoked,
    label: openNote(core, v.label, labelContext(v.groupId)),
  };
}

// ----------------------------------------------------------- join requests

/** Redeems a code, sealing the introduction to the group's admins as the server lists them. */
export async function redeem(core: Core, code: string, introduction?: string) {
  const preview = await core.session.call((api) => api.previewInvite(code));
  const sealed = introduction ? sealNote(introduction, preview.admins, introContext(preview.groupId, preview.inviteId), 10_922) : '';
  return core.session.call((api) => api.redeemInvite(code, sealed));
}

export async function joinRequests(core: Core, state: GroupState): Promise<JoinRequestInfo[]> {
  requireAdmin(core, state);
  const requests = await core.session.call((api) => api.joinRequests(state.groupId));
  const mine = core.identity.keys.signPk;
  return requests.map((r) => ({
    requestId: r.requestId,
    deviceId: r.device.deviceId,
    role: r.role,
    inviteId: r.inviteId,
    introduction: openNote(core, r.introduction, introContext(r.groupId, r.inviteId)),
    safetyNumber: safetyNumber(mine, fromB64(r.device.signPk)).digits,
    createdAt: r.createdAt,
  }));
}
