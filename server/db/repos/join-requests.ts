import type { Compilable } from 'kysely';
import type { Db } from '../database';
import type { JoinRequestsTable } from '../tables';
import { activeInviteIds } from './invites';

export function deleteJoinRequestStatement(db: Db, requestId: string): Compilable {
  return db.kysely.deleteFrom('join_requests').where('id', '=', requestId);
}

/**
 * Discards the pending join requests of a group's invites: all of them, those
 * of one invite (a revoked or flooded code), of the invites active at `activeAt`
 * (a rotation is about to revoke them: it must run before the revoke in the same
 * batch), or those of some devices (admitted).
 */
export function deleteGroupJoinRequestsStatement(
  db: Db,
  groupId: string,
  only: { inviteId?: string; activeAt?: number; deviceIds?: string[] } = {},
): Compilable {
  let invites =
    only.activeAt === undefined
      ? db.kysely.selectFrom('invites').select('id').where('group_id', '=', groupId)
      : activeInviteIds(db, groupId, only.activeAt);
  if (only.inviteId !== undefined) invites = invites.where('id', '=', only.inviteId);
  let statement = db.kysely.deleteFrom('join_requests').where('invite_id', 'in', invites);
  if (only.deviceIds !== undefined) statement = statement.where('device_id', 'in', only.deviceIds);
  return statement;
}

export async function findJoinRequestByDevice(
  db: Db,
  inviteId: string,
  deviceId: string,
): Promise<JoinRequestsTable | undefined> {
  return db.kysely
    .selectFrom('join_requests')
    .selectAll()
    .where('invite_id', '=', inviteId)
    .where('device_id', '=', deviceId)
    .executeTakeFirst();
}

/** The devices among `deviceIds` that have a pending join request for this group (their consent to be added). */
export async function devicesWithPendingRequest(db: Db, groupId: string, deviceIds: string[]): Promise<Set<string>> {
  if (deviceIds.length === 0) return new Set();
  const rows = await db.kysely
    .selectFrom('join_requests as j')
    .innerJoin('invites as i', 'i.id', 'j.invite_id')
    .select('j.device_id')
    .where('i.group_id', '=', groupId)
    .where('j.device_id', 'in', deviceIds)
    .execute();
  return new Set(rows.map((r) => r.device_id));
}

export async function countJoinRequests(db: Db, inviteId: string): Promise<number> {
  const row = await db.kysely
    .selectFrom('join_requests')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('invite_id', '=', inviteId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const requestColumns = [
  'j.id',
  'j.invite_id',
  'j.device_id',
  'j.introduction',
  'j.created_day',
  'i.group_id',
  'i.role',
] as const;

/** A pending request with its invite's group and role. */
export async function findJoinRequest(db: Db, groupId: string, requestId: string) {
  return db.kysely
    .selectFrom('join_requests as j')
    .innerJoin('invites as i', 'i.id', 'j.invite_id')
    .select(requestColumns)
    .where('j.id', '=', requestId)
    .where('i.group_id', '=', groupId)
    .executeTakeFirst();
}

export async function listGroupJoinRequests(db: Db, groupId: string) {
  return db.kysely
    .selectFrom('join_requests as j')
    .innerJoin('invites as i', 'i.id', 'j.invite_id')
    .select(requestColumns)
    .where('i.group_id', '=', groupId)
    .orderBy('j.created_day')
    .orderBy('j.id')
    .execute();
}

export async function listDeviceJoinRequests(db: Db, deviceId: string) {
  return db.kysely
    .selectFrom('join_requests as j')
    .innerJoin('invites as i', 'i.id', 'j.invite_id')
    .select(requestColumns)
    .where('j.device_id', '=', deviceId)
    .execute();
}

export type JoinRequestRow = NonNullable<Awaited<ReturnType<typeof findJoinRequest>>>;
