// Join requests: admins see them and approve with a roster commit that adds
// exactly the requesting device with the invite's role, or reject them.
import { decodeCommit, type SignedCommit } from '../../shared/protocol/roster';
import { findDevice, findDevices } from '../db/repos/devices';
import { findInvite } from '../db/repos/invites';
import {
  deleteGroupJoinRequestsStatement,
  deleteJoinRequestStatement,
  findJoinRequest,
  listDeviceJoinRequests,
  listGroupJoinRequests,
} from '../db/repos/join-requests';
import type { AppDeps } from '../deps';
import { fail } from '../errors';
import { requireAdmin } from './access';
import { appendCommit } from './roster';
import { joinRequestView } from './views';

export async function listJoinRequests(deps: AppDeps, deviceId: string, groupId: string) {
  await requireAdmin(deps, groupId, deviceId);
  const rows = await listGroupJoinRequests(deps.db, groupId);
  const devices = new Map(
    (
      await findDevices(
        deps.db,
        rows.map((r) => r.device_id),
      )
    ).map((d) => [d.id, d]),
  );
  return rows.map((r) => joinRequestView(r, devices.get(r.device_id)!));
}

export async function listMyJoinRequests(deps: AppDeps, deviceId: string) {
  const rows = await listDeviceJoinRequests(deps.db, deviceId);
  return rows.map((r) => ({ requestId: r.id, groupId: r.group_id, role: r.role, createdAt: r.created_day * 86_400 }));
}

async function pendingRequest(deps: AppDeps, deviceId: string, groupId: string, requestId: string) {
  await requireAdmin(deps, groupId, deviceId);
  const request = await findJoinRequest(deps.db, groupId, requestId);
  if (!request) fail(404, 'join_request_not_found', 'no such join request');
  return request;
}

export async function approveJoinRequest(
  deps: AppDeps,
  deviceId: string,
  groupId: string,
  requestId: string,
  commit: SignedCommit,
) {
  const request = await pendingRequest(deps, deviceId, groupId, requestId);
  const ops = decodeCommit(commit).ops;
  const add = ops[0];
  if (ops.length !== 1 || add?.op !== 'add' || add.device !== request.device_id || add.role !== request.role)
    fail(400, 'join_request_mismatch', 'the commit must add exactly the requesting device with the invited role');
  if (!(await findDevice(deps.db, request.device_id))) fail(404, 'device_not_found', 'the requesting device is gone');
  return appendCommit(deps, deviceId, groupId, commit, [deleteJoinRequestStatement(deps.db, requestId)]);
}

export async function rejectJoinRequest(
  deps: AppDeps,
  deviceId: string,
  groupId: string,
  requestId: string,
): Promise<void> {
  await pendingRequest(deps, deviceId, groupId, requestId);
  await deps.db.atomic([deleteJoinRequestStatement(deps.db, requestId)]);
}

/**
 * Rejects every pending request of the group, or of one invite, at once: the
 * way out when a leaked multi-use code has filled an invite's quota. Returns how many went.
 */
export async function clearJoinRequests(
  deps: AppDeps,
  deviceId: string,
  groupId: string,
  inviteId?: string,
): Promise<number> {
  await requireAdmin(deps, groupId, deviceId);
  if (inviteId !== undefined && !(await findInvite(deps.db, groupId, inviteId)))
    fail(404, 'invite_not_found', 'no such invite');
  const [deleted] = await deps.db.atomic([deleteGroupJoinRequestsStatement(deps.db, groupId, { inviteId })]);
  return deleted?.changes ?? 0;
}
