import { sql } from 'kysely';
import { hourOf } from '../../clock';
import { type Db, reusableQuery } from '../database';
import type { MessagesTable } from '../tables';

/** A post as the client sent it; the insert adds sequence, creation hour and expiry. */
export type NewMessage = Pick<MessagesTable, 'group_id' | 'client_msg_id' | 'epoch' | 'kind' | 'ciphertext' | 'pinned'>;

/**
 * The post's authorization is in its WHERE: the rules of services/access.ts (assertMayPost), in SQL.
 * A value the SQL uses twice is a parameter twice (epochAgain, kindAgain ...): reusableQuery binds by position.
 */
const insertQuery = reusableQuery(
  (
    k,
    group: string,
    seqGroup: string,
    clientMsgId: string,
    epoch: number,
    kind: string,
    ciphertext: string,
    pinned: number,
    now: number,
    createdAt: number,
    fromGroup: string,
    author: string,
    epochAgain: number,
    kindAgain: string,
    kindOnceMore: string,
    epochOnceMore: number,
  ) =>
    sql`
    INSERT INTO messages (group_id, seq, client_msg_id, epoch, kind, ciphertext, pinned, expires_at, created_at)
    SELECT ${group},
           MAX(COALESCE((SELECT MAX(seq) FROM messages WHERE group_id = ${seqGroup}), 0), g.purged_seq) + 1,
           ${clientMsgId}, ${epoch}, ${kind}, ${ciphertext}, ${pinned},
           CASE WHEN g.retention_seconds IS NULL THEN NULL ELSE CAST((${now} + g.retention_seconds) / 3600 AS INTEGER) * 3600 + 3600 END,
           ${createdAt}
    FROM groups g JOIN memberships m ON m.group_id = g.id
    WHERE g.id = ${fromGroup} AND m.device_id = ${author}
      AND ${epochAgain} IN (g.epoch, g.epoch - 1) AND ${epochOnceMore} >= g.min_post_epoch
      AND (m.role IN ('admin', 'facilitator') OR ${kindAgain} = 'meta' OR (${kindOnceMore} = 'message' AND g.announcement_only = 0))
    ON CONFLICT (group_id, client_msg_id) DO NOTHING
    RETURNING seq, expires_at`.compile(k),
);

/**
 * Stores a post with the group's next sequence, if its author may post it
 * (member, role for bulletins, announcement-only, current or previous epoch
 * but none older than the newest removal's: access.ts epochMayPost),
 * in ONE statement: atomic on SQLite and D1 alike, so no roster change slips
 * between the check and the write, and a post costs no separate read. Returns
 * undefined when nothing was stored: refused, or a client message id already
 * stored (services/messages.ts tells which). The expiry is the group's
 * retention from `now`, to the hour after (server timestamps are coarse, P12).
 */
export async function insertMessage(db: Db, author: string, now: number, m: NewMessage): Promise<MessageRow | undefined> {
  const createdAt = hourOf(now);
  // Through `atomic`, so that on Node it joins the turn's group commit.
  const [inserted] = await db.atomic([
    insertQuery(db, m.group_id, m.group_id, m.client_msg_id, m.epoch, m.kind, m.ciphertext, m.pinned, now, createdAt, m.group_id, author, m.epoch, m.kind, m.kind, m.epoch),
  ]);
  const row = inserted?.rows[0] as { seq: number; expires_at: number | null } | undefined;
  return row && { ...m, seq: row.seq, expires_at: row.expires_at, created_at: createdAt };
}

/** The sequence a client message id was stored under, if it was. */
export async function findSeqByClientId(db: Db, groupId: string, clientMsgId: string): Promise<number | undefined> {
  const row = await db.kysely.selectFrom('messages').select('seq').where('group_id', '=', groupId).where('client_msg_id', '=', clientMsgId).executeTakeFirst();
  return row?.seq;
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
