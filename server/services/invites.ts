// Invite codes (P10): admins create, list, revoke and rotate them; anyone
// signed in may redeem one, which only files a join request.
import { toB64 } from '../../shared/crypto/encoding';
import { randomBytes } from '../../shared/crypto/primitives';
import { generateInviteCode, inviteCodeHash, normalizeInviteCode } from '../../shared/protocol/invite-code';
import type { GrantableRole } from '../../shared/protocol/posting-rules';
import { dayOf } from '../clock';
import { findDevice, findDevices } from '../db/repos/devices';
import { findMembership, listAdmins } from '../db/repos/groups';
import {
  findInvite,
  findInviteByCodeHash,
  insertInviteStatement,
  listInvites,
  revokeGroupInvitesStatement,
  revokeInviteStatement,
  takeInviteUseStatement,
  insertJoinRequestIfLiveStatement,
} from '../db/repos/invites';
import {
  countJoinRequests,
  deleteGroupJoinRequestsStatement,
  findJoinRequest,
  findJoinRequestByDevice,
} from '../db/repos/join-requests';
import type { InvitesTable } from '../db/tables';
import type { AppDeps } from '../deps';
import { fail } from '../errors';
import { requireAdmin, requireRate } from './access';
import { deviceView, inviteView, joinRequestView } from './views';

export interface InviteSpec {
  role: GrantableRole;
  expiresInSeconds: number;
  maxUses: number;
  label: string;
}

const newId = (): string => toB64(randomBytes(16));

function newInvite(deps: AppDeps, groupId: string, creator: string, spec: InviteSpec) {
  const code = generateInviteCode();
  const row: InvitesTable = {
    id: newId(),
    group_id: groupId,
    code_hash: inviteCodeHash(normalizeInviteCode(code)!),
    role: spec.role,
    expires_at: deps.clock.now() + spec.expiresInSeconds,
    max_uses: spec.maxUses,
    uses: 0,
    revoked: 0,
    creator,
    label: spec.label,
  };
  return { code, row };
}

export async function createInvite(deps: AppDeps, deviceId: string, groupId: string, spec: InviteSpec) {
  await requireAdmin(deps, groupId, deviceId);
  const { code, row } = newInvite(deps, groupId, deviceId, spec);
  await deps.db.atomic([insertInviteStatement(deps.db, row)]);
  return { invite: inviteView(row), code };
}

/** Revokes every active invite of the group (discarding their pending join requests) and creates one new one, atomically. */
export async function rotateInvites(deps: AppDeps, deviceId: string, groupId: string, spec: InviteSpec) {
  await requireAdmin(deps, groupId, deviceId);
  const { code, row } = newInvite(deps, groupId, deviceId, spec);
  const now = deps.clock.now();
  const [, revoked] = await deps.db.atomic([
    deleteGroupJoinRequestsStatement(deps.db, groupId, { activeAt: now }),
    revokeGroupInvitesStatement(deps.db, groupId, now),
    insertInviteStatement(deps.db, row),
  ]);
  return { invite: inviteView(row), code, revoked: revoked?.changes ?? 0 };
}

export async function listGroupInvites(deps: AppDeps, deviceId: string, groupId: string) {
  await requireAdmin(deps, groupId, deviceId);
  return (await listInvites(deps.db, groupId)).map(inviteView);
}

/** Revokes an invite and discards its pending join requests (a leaked code's flood goes with it), atomically. */
export async function revokeInvite(deps: AppDeps, deviceId: string, groupId: string, inviteId: string) {
  await requireAdmin(deps, groupId, deviceId);
  if (!(await findInvite(deps.db, groupId, inviteId))) fail(404, 'invite_not_found', 'no such invite');
  await deps.db.atomic([
    revokeInviteStatement(deps.db, inviteId),
    deleteGroupJoinRequestsStatement(deps.db, groupId, { inviteId }),
  ]);
  return inviteView((await findInvite(deps.db, groupId, inviteId))!);
}

/** Finds an invite by code, counting failures toward a server-wide brute-force limit. */
async function inviteForCode(deps: AppDeps, deviceId: string, code: string): Promise<InvitesTable> {
  await requireRate(deps, `redeem:${deviceId}`, deps.config.inviteRedeemPerMinute, 60);
  const normalized = normalizeInviteCode(code);
  const invite = normalized ? await findInviteByCodeHash(deps.db, inviteCodeHash(normalized)) : undefined;
  if (!invite) {
    await requireRate(deps, 'redeem-failures', deps.config.inviteFailuresPerMinute, 60);
    fail(404, 'invite_not_found', 'no such invite code');
  }
  return invite;
}

function requireLive(deps: AppDeps, invite: InvitesTable): void {
  if (invite.revoked) fail(410, 'invite_revoked', 'this invite was revoked');
  if (invite.expires_at <= deps.clock.now()) fail(410, 'invite_expired', 'this invite has expired');
  if (invite.uses >= invite.max_uses) fail(410, 'invite_used_up', 'this invite has been used up');
}

export async function previewInvite(deps: AppDeps, deviceId: string, code: string) {
  const invite = await inviteForCode(deps, deviceId, code);
  requireLive(deps, invite);
  const admins = await findDevices(deps.db, await listAdmins(deps.db, invite.group_id));
  return { groupId: invite.group_id, inviteId: invite.id, role: invite.role, admins: admins.map(deviceView) };
}

/** Files a join request (never a membership). Redeeming again returns the same request. */
export async function redeemInvite(deps: AppDeps, deviceId: string, code: string, introduction: string) {
  const invite = await inviteForCode(deps, deviceId, code);
  if (await findMembership(deps.db, invite.group_id, deviceId))
    fail(409, 'already_member', 'already a member of this group');
  const device = (await findDevice(deps.db, deviceId))!;
  const existing = await findJoinRequestByDevice(deps.db, invite.id, deviceId);
  if (existing)
    return {
      created: false,
      request: joinRequestView((await findJoinRequest(deps.db, invite.group_id, existing.id))!, device),
    };
  requireLive(deps, invite);
  // A leaked multi-use code must not bury the admins in requests: pending ones are capped per invite.
  if ((await countJoinRequests(deps.db, invite.id)) >= deps.config.maxJoinRequestsPerInvite)
    fail(429, 'join_request_limit', 'this invite has too many pending join requests');

  const id = newId();
  const row = { id, invite_id: invite.id, device_id: deviceId, introduction, created_day: dayOf(deps.clock.now()) };
  const [inserted] = await deps.db.atomic([
    insertJoinRequestIfLiveStatement(deps.db, row, deps.clock.now()),
    takeInviteUseStatement(deps.db, invite.id, id),
  ]);
  if (!inserted?.changes) fail(410, 'invite_used_up', 'this invite has been used up');
  const request = joinRequestView((await findJoinRequest(deps.db, invite.group_id, id))!, device);
  deps.hub.publish(
    invite.group_id,
    { type: 'join-request', groupId: invite.group_id, request },
    await listAdmins(deps.db, invite.group_id),
  );
  return { created: true, request };
}
