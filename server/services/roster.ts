// Groups and their signed roster log. The server verifies every commit with the
// same code the clients use, then derives memberships from it (P4, P9).
import {
  applyCommit,
  applyGenesis,
  decodeCommit,
  type RosterState,
  type SignedCommit,
} from '../../shared/protocol/roster';
import { type GroupSummary, ROSTER_PAGE } from '../../shared/schemas/groups';
import { dayOf } from '../clock';
import { type Statement, isConstraintError } from '../db/database';
import { findDevices } from '../db/repos/devices';
import { deleteGroupJoinRequestsStatement, devicesWithPendingRequest } from '../db/repos/join-requests';
import { commitStatements, listCommits, listDeviceGroups, loadRosterState } from '../db/repos/groups';
import type { AppDeps } from '../deps';
import { fail } from '../errors';
import { requireMember } from './access';

export { ROSTER_PAGE };

/**
 * Every device a commit adds must be registered under the key the commit
 * names, and (the genesis adding its author aside) must have asked to join
 * this group: a pending join request is her consent (P13). Without it nobody,
 * not even an admin, can list her in a group.
 */
async function requireAdmissible(deps: AppDeps, state: RosterState, before?: RosterState): Promise<string[]> {
  const added = [...state.members.keys()].filter((d) => !before?.members.has(d));
  const rows = await findDevices(deps.db, added);
  const known = new Map(rows.map((r) => [r.id, r.sign_pk]));
  for (const d of added) {
    if (known.get(d) !== state.members.get(d)!.signPk)
      fail(400, 'roster_illegal_op', 'an added device is not registered');
  }
  if (!before) return added;
  const asked = await devicesWithPendingRequest(deps.db, state.group, added);
  if (added.some((d) => !asked.has(d)))
    fail(403, 'not_requested', 'a device can be added only after it asked to join this group');
  return added;
}

async function store(deps: AppDeps, statements: Statement[]): Promise<void> {
  try {
    await deps.db.atomic(statements);
  } catch (err) {
    if (isConstraintError(err))
      fail(409, 'roster_conflict', 'another change was committed first; fetch the roster and retry');
    throw err;
  }
}

function publishCommit(deps: AppDeps, before: RosterState | undefined, after: RosterState, commit: SignedCommit): void {
  const added = [...after.members.keys()].filter((d) => !before?.members.has(d));
  const removed = [...(before?.members.keys() ?? [])].filter((d) => !after.members.has(d));
  // Added devices subscribe first so they see the commit that added them; removed
  // ones still get the commit that removed them, then stop receiving.
  deps.hub.membersChanged(after.group, added, []);
  deps.hub.publish(after.group, { type: 'roster', groupId: after.group, seq: after.seq, commit });
  deps.hub.membersChanged(after.group, [], removed);
}

function result(state: RosterState) {
  return { groupId: state.group, seq: state.seq, head: state.head, epoch: state.epoch };
}

export async function createGroup(deps: AppDeps, deviceId: string, genesis: SignedCommit): Promise<GroupSummary> {
  const state = applyGenesis(genesis);
  if (decodeCommit(genesis).author !== deviceId)
    fail(400, 'roster_illegal_op', 'the genesis must be authored by the caller');
  await requireAdmissible(deps, state);
  try {
    await deps.db.atomic(commitStatements(deps.db, undefined, state, genesis, deviceId, dayOf(deps.clock.now())));
  } catch (err) {
    if (isConstraintError(err)) fail(409, 'group_exists', 'a group with this id exists');
    throw err;
  }
  publishCommit(deps, undefined, state, genesis);
  return {
    groupId: state.group,
    role: 'admin',
    rosterSeq: 0,
    epoch: state.epoch,
    lastSeq: 0,
    retentionSeconds: state.settings.retentionSeconds,
    announcementOnly: state.settings.announcementOnly,
  };
}

export async function listGroups(deps: AppDeps, deviceId: string): Promise<GroupSummary[]> {
  const rows = await listDeviceGroups(deps.db, deviceId);
  return rows.map((r) => ({
    groupId: r.id,
    role: r.role,
    rosterSeq: r.roster_seq,
    epoch: r.epoch,
    lastSeq: Number(r.last_seq ?? 0),
    retentionSeconds: r.retention_seconds,
    announcementOnly: r.announcement_only === 1,
  }));
}

export async function readRoster(deps: AppDeps, deviceId: string, groupId: string, after: number) {
  await requireMember(deps, groupId, deviceId);
  const rows = await listCommits(deps.db, groupId, after, ROSTER_PAGE);
  return rows.map((r) => ({ seq: r.seq, commit: { body: r.body, sig: r.sig } }));
}

/**
 * Appends a commit signed by an admin of the state before it (or a member's
 * own leave commit). `extra`
 * statements (e.g. deleting the join request it approves) commit atomically with it.
 */
export async function appendCommit(
  deps: AppDeps,
  deviceId: string,
  groupId: string,
  commit: SignedCommit,
  extra: Statement[] = [],
) {
  await requireMember(deps, groupId, deviceId);
  const before = (await loadRosterState(deps.db, groupId))!;
  const after = applyCommit(before, commit);
  const added = await requireAdmissible(deps, after, before);
  // An add consumes the device's pending request for the group (approve also names it in `extra`).
  const consumed = added.length > 0 ? [deleteGroupJoinRequestsStatement(deps.db, groupId, { deviceIds: added })] : [];
  await store(deps, [
    ...commitStatements(deps.db, before, after, commit, decodeCommit(commit).author, 0),
    ...extra,
    ...consumed,
  ]);
  publishCommit(deps, before, after, commit);
  return result(after);
}
