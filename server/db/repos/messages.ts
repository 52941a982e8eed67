import { sql } from 'kysely';
import { type Db, reusableQuery } from '../database';
import type { MessagesTable } from '../tables';

export type NewMessage = Omit<MessagesTable, 'seq' | 'rowid'>;

const insertQuery = reusableQuery(
  (k, group: string, seqGroup: string, clientMsgId: string, epoch: number, kind: string, ciphertext: string, pinned: number, expiresAt: number | null, createdAt: number, fromGroup: string) =>
    sql`
    INSERT INTO messages (group_id, seq, client_msg_id, epoch, kind, ciphertext, pinned, expires_at, created_at)
    SELECT ${group},
           MAX(COALESCE((SELECT MAX(seq) FROM messages WHERE group_id = ${seqGroup}), 0), g.purged_seq) + 1,
           ${clientMsgId}, ${epoch}, ${kind}, ${ciphertext}, ${pinned}, ${expiresAt}, ${createdAt}
    FROM groups g WHERE g.id = ${fromGroup}
    ON CONFLICT (group_id, client_msg_id) DO NOTHING
    RETURNING seq`.compile(k),
);

/**
 * Stores a message with the group's next sequence in ONE statement (atomic on
 * SQLite and D1 alike). A client message id already stored returns the first
 * sequence with duplicate = true.
 */
export async function insertMessage(db: Db, m: NewMessage): Promise<{ seq: number; duplicate: boolean }> {
  // Through `atomic`, so that on Node it joins the turn's group commit.
  const [inserted] = await db.atomic([
    insertQuery(db, m.group_id, m.group_id, m.client_msg_id, m.epoch, m.kind, m.ciphertext, m.pinned, m.expires_at, m.created_at, m.group_id),
  ]);
  const row = inserted?.rows[0] as { seq: number } | undefined;
  if (row) return { seq: row.seq, duplicate: false };
  const first = await db.kysely
    .selectFrom('messages')
    .select('seq')
    .where('group_id', '=', m.group_id)
    .where('client_msg_id', '=', m.client_msg_id)
    .executeTakeFirstOrThrow();
  return { seq: first.seq, duplicate: true };
}

const columns = ['seq', 'client_msg_id', 'epoch', 'kind', 'ciphertext', 'pinned', 'created_at', 'expires_at'] as const;

export async function listMessages(db: Db, groupId: string, after: number, limit: number, now: number) {
  return db.kysely
    .selectFrom('messages')
    .select(columns)
    .where('group_id', '=', groupId)
    .where('seq', '>', after)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('seq')
    .limit(limit)
    .execute();
}

export async function listPinned(db: Db, groupId: string, now: number) {
  return db.kysely
    .selectFrom('messages')
    .select(columns)
    .where('group_id', '=', groupId)
    .where('kind', '=', 'bulletin')
    .where('pinned', '=', 1)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('seq', 'desc')
    .execute();
}

export async function findMessage(db: Db, groupId: string, seq: number) {
  return db.kysely.selectFrom('messages').select(columns).where('group_id', '=', groupId).where('seq', '=', seq).executeTakeFirst();
}

export async function setPinned(db: Db, groupId: string, seq: number, pinned: boolean): Promise<void> {
  await db.kysely.updateTable('messages').set({ pinned: pinned ? 1 : 0 }).where('group_id', '=', groupId).where('seq', '=', seq).execute();
}

/** Deletes expired rows, first remembering each group's highest deleted sequence so sequences never repeat. */
export async function purgeExpiredMessages(db: Db, now: number): Promise<number> {
  const [, deleted] = await db.atomic([
    sql`UPDATE groups SET purged_seq = MAX(purged_seq, (SELECT MAX(seq) FROM messages WHERE group_id = groups.id AND expires_at <= ${now}))
        WHERE id IN (SELECT DISTINCT group_id FROM messages WHERE expires_at <= ${now})`.compile(db.kysely),
    db.kysely.deleteFrom('messages').where('expires_at', '<=', now),
  ]);
  return deleted?.changes ?? 0;
}

export type MessageRow = Awaited<ReturnType<typeof listMessages>>[number];
