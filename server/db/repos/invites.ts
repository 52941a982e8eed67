import type { Compilable } from 'kysely';
import type { Db } from '../database';
import type { InvitesTable, JoinRequestsTable } from '../tables';

export function insertInviteStatement(db: Db, row: InvitesTable): Compilable {
  return db.kysely.insertInto('invites').values(row);
}

/** The ids of the group's active invites (not revoked, not expired, uses left): what a rotation revokes. */
export function activeInviteIds(db: Db, groupId: string, now: number) {
  return db.kysely
    .selectFrom('invites')
    .select('id')
    .where('group_id', '=', groupId)
    .where('revoked', '=', 0)
    .where('expires_at', '>', now)
    .whereRef('uses', '<', 'max_uses');
}

/** Revokes every active invite of the group (rotation). */
export function revokeGroupInvitesStatement(db: Db, groupId: string, now: number): Compilable {
  return db.kysely
    .updateTable('invites')
    .set({ revoked: 1 })
    .where('id', 'in', activeInviteIds(db, groupId, now));
}

export async function listInvites(db: Db, groupId: string): Promise<InvitesTable[]> {
  return db.kysely
    .selectFrom('invites')
    .selectAll()
    .where('group_id', '=', groupId)
    .orderBy('expires_at', 'desc')
    .execute();
}

export async function findInvite(db: Db, groupId: string, inviteId: string): Promise<InvitesTable | undefined> {
  return db.kysely
    .selectFrom('invites')
    .selectAll()
    .where('group_id', '=', groupId)
    .where('id', '=', inviteId)
    .executeTakeFirst();
}

export async function findInviteByCodeHash(db: Db, codeHash: string): Promise<InvitesTable | undefined> {
  return db.kysely.selectFrom('invites').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
}

export function revokeInviteStatement(db: Db, inviteId: string): Compilable {
  return db.kysely.updateTable('invites').set({ revoked: 1 }).where('id', '=', inviteId);
}

/**
 * Takes one use of the invite, but only if the join request `requestId` exists
 * (it is inserted just before, in the same atomic batch, only while the invite is live).
 */
export function takeInviteUseStatement(db: Db, inviteId: string, requestId: string): Compilable {
  return db.kysely
    .updateTable('invites')
    .set((eb) => ({ uses: eb('uses', '+', 1) }))
    .where('id', '=', inviteId)
    .where(({ exists, selectFrom }) => exists(selectFrom('join_requests').select('id').where('id', '=', requestId)));
}

/** Inserts a join request only while the invite is live (not revoked, not expired, uses left). */
export function insertJoinRequestIfLiveStatement(db: Db, row: JoinRequestsTable, now: number): Compilable {
  const k = db.kysely;
  return k
    .insertInto('join_requests')
    .columns(['id', 'invite_id', 'device_id', 'introduction', 'created_day'])
    .expression(
      k
        .selectFrom('invites')
        .select((eb) => [
          eb.val(row.id).as('id'),
          'id as invite_id',
          eb.val(row.device_id).as('d'),
          eb.val(row.introduction).as('i'),
          eb.val(row.created_day).as('c'),
        ])
        .where('id', '=', row.invite_id)
        .where('revoked', '=', 0)
        .where('expires_at', '>', now)
        .whereRef('uses', '<', 'max_uses'),
    );
}
