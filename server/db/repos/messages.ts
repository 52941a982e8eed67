import { sql } from 'kysely';
import {
  MESSAGE_KINDS,
  type PostingRule,
  PRIVILEGED_ROLES,
  WHO_MAY_POST,
} from '../../../shared/protocol/posting-rules';
import { hourOf } from '../../clock';
import { type Db, numberedQuery } from '../database';
import type { MessagesTable } from '../tables';

/** A post as the client sent it; the insert adds sequence, creation hour and expiry. */
export type NewMessage = Pick<MessagesTable, 'group_id' | 'client_msg_id' | 'epoch' | 'kind' | 'ciphertext' | 'pinned'>;

/** A constant of the rules module as an SQL string literal (they are plain words: nothing to escape). */
function sqlWord(word: string): string {
  if (!/^[a-z-]+$/.test(word)) throw new Error(`not a plain word: ${word}`);
  return `'${word}'`;
}

/**
 * Who may post which kind (shared/protocol/posting-rules.ts WHO_MAY_POST) as
 * SQL over the membership `m`, the group `g` and the post's kind: one branch
 * per kind, built from the rules module, so a kind or a privileged role added
 * there is enforced here without editing this text. A new kind of rule fails
 * to compile until its SQL is written below.
 */
function mayPostSql(kind: string): string {
  const privileged = `m.role IN (${PRIVILEGED_ROLES.map(sqlWord).join(', ')})`;
  const ruleSql: Record<PostingRule, string> = {
    'any-member': '1',
    privileged,
    'any-member-unless-announcement-only': `(${privileged} OR g.announcement_only = 0)`,
  };
  const branches = MESSAGE_KINDS.map((k) => `WHEN ${sqlWord(k)} THEN ${ruleSql[WHO_MAY_POST[k]]}`);
  return `(CASE ${kind} ${branches.join(' ')} ELSE 0 END)`;
}

/**
 * The post's authorization is in its WHERE: the rules of services/access.ts
 * (assertMayPost), in SQL. Numbered parameters: each value is bound once.
 */
const insertQuery = numberedQuery(
  ['group', 'clientMsgId', 'epoch', 'kind', 'ciphertext', 'pinned', 'now', 'createdAt', 'author'],
  (at) => `
    INSERT INTO messages (group_id, seq, client_msg_id, epoch, kind, ciphertext, pinned, expires_at, created_at)
    SELECT ${at.group},
           MAX(COALESCE((SELECT MAX(seq) FROM messages WHERE group_id = ${at.group}), 0), g.purged_seq) + 1,
           ${at.clientMsgId}, ${at.epoch}, ${at.kind}, ${at.ciphertext}, ${at.pinned},
           CASE WHEN g.retention_seconds IS NULL THEN NULL ELSE CAST((${at.now} + g.retention_seconds) / 3600 AS INTEGER) * 3600 + 3600 END,
           ${at.createdAt}
    FROM groups g JOIN memberships m ON m.group_id = g.id
    WHERE g.id = ${at.group} AND m.device_id = ${at.author}
      AND ${at.epoch} IN (g.epoch, g.epoch - 1) AND ${at.epoch} >= g.min_post_epoch
      AND ${mayPostSql(at.kind)}
    ON CONFLICT (group_id, client_msg_id) DO NOTHING
    RETURNING seq, expires_at`,
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
export async function insertMessage(
  db: Db,
  author: string,
  now: number,
  m: NewMessage,
): Promise<MessageRow | undefined> {
  const createdAt = hourOf(now);
  // Through `atomic`, so that on Node it joins the turn's group commit.
  const [inserted] = await db.atomic([
    insertQuery({
      group: m.group_id,
      clientMsgId: m.client_msg_id,
      epoch: m.epoch,
      kind: m.kind,
      ciphertext: m.ciphertext,
      pinned: m.pinned,
      now,
      createdAt,
      author,
    }),
  ]);
  const row = inserted?.rows[0] as { seq: number; expires_at: number | null } | undefined;
  return row && { ...m, seq: row.seq, expires_at: row.expires_at, created_at: createdAt };
}

/** The sequence a client message id was stored under, if it was. */
export async function findSeqByClientId(db: Db, groupId: string, clientMsgId: string): Promise<number | undefined> {
  const row = await db.kysely
    .selectFrom('messages')
    .select('seq')
    .where('group_id', '=', groupId)
    .where('client_msg_id', '=', clientMsgId)
    .executeTakeFirst();
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
  return db.kysely
    .selectFrom('messages')
    .select(columns)
    .where('group_id', '=', groupId)
    .where('seq', '=', seq)
    .executeTakeFirst();
}

export async function setPinned(db: Db, groupId: string, seq: number, pinned: boolean): Promise<void> {
  await db.kysely
    .updateTable('messages')
    .set({ pinned: pinned ? 1 : 0 })
    .where('group_id', '=', groupId)
    .where('seq', '=', seq)
    .execute();
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
