// Invites and join requests. An invite's label and a newcomer's introduction
// are admin notes: sealed to the group's admins (PROTOCOL.md section 11).
import { fromB64, fromUtf8, toB64, utf8 } from '../../shared/crypto/encoding';
import { AdminNoteError, openAdminNote, sealAdminNote } from '../../shared/protocol/admin-note';
import type { DevicePublic } from '../../shared/protocol/device';
import { openIntroduction, sealIntroduction } from '../../shared/protocol/introduction';
import { safetyNumber } from '../../shared/protocol/safety-number';
import type { InviteView } from '../../shared/schemas/invites';
import type { JoinRequestView } from '../../shared/schemas/join-requests';
import { requireAdmin } from './admin';
import type { InviteInfo, InviteOptions, JoinRequestInfo, JoinSafetyNumber } from './client-api';
import { joiningRecord, rememberJoin } from './consent';
import { type Core, requireGroup } from './core';
import { memberKeys } from './epochs';
import { ClientError } from './errors';
import type { GroupState } from './group-state';
import type { InviteSpec } from './relay-api';

export const MAX_LABEL_CHARS = 100;
/** base64url lengths of the server's limits: 1 KiB labels, 8 KiB introductions */
const MAX_LABEL_B64 = 1365;
const MAX_INTRODUCTION_B64 = 10_922;

const labelContext = (groupId: string) => `invite-label:${groupId}`;

async function adminKeys(core: Core, state: GroupState): Promise<DevicePublic[]> {
  const admins = [...state.chain.current.members].filter(([, m]) => m.role === 'admin').map(([id]) => id);
  const keys = await Promise.all(admins.map((id) => memberKeys(core.session, state, core.identity, id)));
  return keys.filter((k): k is DevicePublic => k !== null);
}

/** A sealed note as sent, or too_long when it exceeds the server's limit. */
function fitting(sealed: Uint8Array, maxB64: number): string {
  const b64 = toB64(sealed);
  if (b64.length > maxB64) throw new ClientError('too_long', 'the note does not fit for this many admins');
  return b64;
}

function sealNote(text: string, recipients: DevicePublic[], context: string, maxB64: number): string {
  return fitting(sealAdminNote(utf8(text), recipients, context), maxB64);
}

function openNote(core: Core, sealed: string, context: string): string | null {
  if (!sealed) return null;
  try {
    return fromUtf8(openAdminNote(fromB64(sealed), context, core.identity.deviceId, (v) => core.identity.keysFor(v)));
  } catch {
    return null;
  }
}

async function inviteSpec(core: Core, groupId: string, options: InviteOptions = {}): Promise<InviteSpec> {
  const state = requireGroup(core, groupId);
  requireAdmin(core, state);
  const { label, ...rest } = options;
  if (label === undefined || label === '') return rest;
  if (label.length > MAX_LABEL_CHARS)
    throw new ClientError('too_long', `a label has at most ${MAX_LABEL_CHARS} characters`);
  return { ...rest, label: sealNote(label, await adminKeys(core, state), labelContext(groupId), MAX_LABEL_B64) };
}

function inviteInfo(core: Core, v: InviteView): InviteInfo {
  const { inviteId, role, expiresAt, maxUses, uses, revoked } = v;
  return { inviteId, role, expiresAt, maxUses, uses, revoked, label: openNote(core, v.label, labelContext(v.groupId)) };
}

const adminOf = (core: Core, groupId: string) => requireAdmin(core, requireGroup(core, groupId));

export async function createInvite(core: Core, groupId: string, options?: InviteOptions) {
  const spec = await inviteSpec(core, groupId, options);
  const { invite, code } = await core.session.call((api) => api.createInvite(groupId, spec));
  return { code, inviteId: invite.inviteId, groupHash: requireGroup(core, groupId).chain.genesisHash };
}

export async function listInvites(core: Core, groupId: string): Promise<InviteInfo[]> {
  adminOf(core, groupId);
  return (await core.session.call((api) => api.invites(groupId))).map((v) => inviteInfo(core, v));
}

export async function revokeInvite(core: Core, groupId: string, inviteId: string): Promise<void> {
  adminOf(core, groupId);
  await core.session.call((api) => api.revokeInvite(groupId, inviteId));
}

export async function rotateInvites(core: Core, groupId: string, options?: InviteOptions) {
  const spec = await inviteSpec(core, groupId, options);
  const r = await core.session.call((api) => api.rotateInvites(groupId, spec));
  return {
    code: r.code,
    inviteId: r.invite.inviteId,
    revoked: r.revoked,
    groupHash: requireGroup(core, groupId).chain.genesisHash,
  };
}

/** Redeems a code, sealing the introduction to the group's admins as the server lists them. */
export async function join(core: Core, code: string, introduction?: string, groupHash: string | null = null) {
  const preview = await core.session.call((api) => api.previewInvite(code));
  const sealed = introduction
    ? fitting(sealIntroduction(introduction, preview, core.identity.keys, preview.admins), MAX_INTRODUCTION_B64)
    : '';
  const request = await core.session.call((api) => api.redeemInvite(code, sealed));
  // Her consent to this group, and the genesis her link named, checked when the group appears (consent.ts).
  await rememberJoin(core, request.groupId, {
    requestId: request.requestId,
    inviteId: preview.inviteId,
    genesisHash: groupHash,
    at: core.now(),
    admins: preview.admins.map((a) => ({ deviceId: a.deviceId, signPk: a.signPk })),
  });
  return { requestId: request.requestId, groupId: request.groupId };
}

/**
 * While her request waits: her safety number with each admin the server named
 * when she joined, the same digits the approving admin's card shows for her
 * request. A server that swapped a key makes the two screens differ.
 */
export async function joinSafetyNumbers(core: Core, groupId: string): Promise<JoinSafetyNumber[]> {
  const record = await joiningRecord(core, groupId);
  const mine = core.identity.keys.signPk;
  return (record?.admins ?? []).map((a) => {
    const n = safetyNumber(mine, fromB64(a.signPk));
    return { adminId: a.deviceId, digits: n.digits, qr: n.qr };
  });
}

/**
 * The introduction of a request, opened for the device the request names and
 * checked against its signature. One that is present but not this device's
 * (moved from another request, or not signed by it) is never shown as words.
 */
function introductionOf(core: Core, r: JoinRequestView): Pick<JoinRequestInfo, 'introduction' | 'introductionStatus'> {
  if (!r.introduction) return { introduction: null, introductionStatus: 'none' };
  let keyGone = false;
  const keysFor = (v: number) => {
    const keys = core.identity.keysFor(v);
    keyGone ||= keys === undefined;
    return keys;
  };
  try {
    const binding = { groupId: r.groupId, inviteId: r.inviteId, deviceId: r.device.deviceId, signPk: r.device.signPk };
    return {
      introduction: openIntroduction(fromB64(r.introduction), binding, core.identity.deviceId, keysFor),
      introductionStatus: 'verified',
    };
  } catch (err) {
    // sealed to other admins or to a key this device no longer holds: nothing to judge
    const unreadable = keyGone || (err instanceof AdminNoteError && err.code === 'not_for_me');
    return { introduction: null, introductionStatus: unreadable ? 'unreadable' : 'transplanted' };
  }
}

export async function joinRequests(core: Core, groupId: string): Promise<JoinRequestInfo[]> {
  adminOf(core, groupId);
  const requests = await core.session.call((api) => api.joinRequests(groupId));
  const mine = core.identity.keys.signPk;
  return requests.map((r) => ({
    requestId: r.requestId,
    deviceId: r.device.deviceId,
    role: r.role,
    inviteId: r.inviteId,
    ...introductionOf(core, r),
    safetyNumber: safetyNumber(mine, fromB64(r.device.signPk)).digits,
    createdAt: r.createdAt,
  }));
}

/** How many join requests wait (for the count on the group's row, tab and chat; no introduction or safety number computed). */
export async function joinRequestCount(core: Core, groupId: string): Promise<number> {
  adminOf(core, groupId);
  return (await core.session.call((api) => api.joinRequests(groupId))).length;
}

export async function rejectRequest(core: Core, groupId: string, requestId: string): Promise<void> {
  adminOf(core, groupId);
  await core.session.call((api) => api.rejectJoinRequest(groupId, requestId));
}

/** Rejects every pending request of the group (or of one invite) at once; returns how many. */
export async function clearJoinRequests(
  core: Core,
  groupId: string,
  options: { inviteId?: string } = {},
): Promise<number> {
  adminOf(core, groupId);
  return core.session.call((api) => api.clearJoinRequests(groupId, options.inviteId));
}
