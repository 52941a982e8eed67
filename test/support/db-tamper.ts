// The other half of the malicious server: edits the real relay's SQLite file
// while it runs, as an operator (or an intruder with the disk) could. The
// relay reads these rows like any others, so clients get them through the
// normal API.
import Database from 'better-sqlite3';
import type { MessagesTable } from '../../server/db/tables';
import { commitHash, decodeCommit, type SignedCommit } from '../../shared/protocol/roster';

export function withDb<T>(dbPath: string, fn: (db: Database.Database) => T): T {
  const db = new Database(dbPath);
  db.pragma('busy_timeout = 5000');
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** The server puts a device into a group on its own: a membership row that no signed commit backs. */
export function addGhostMembership(dbPath: string, groupId: string, deviceId: string, role = 'member'): void {
  withDb(dbPath, (db) =>
    db.prepare('INSERT INTO memberships (group_id, device_id, role) VALUES (?, ?, ?)').run(groupId, deviceId, role),
  );
}

/** The server changes a member's role on its own (no signed commit). */
export function setMembershipRole(dbPath: string, groupId: string, deviceId: string, role: string): void {
  withDb(dbPath, (db) =>
    db.prepare('UPDATE memberships SET role = ? WHERE group_id = ? AND device_id = ?').run(role, groupId, deviceId),
  );
}

export type StoredRow = Omit<MessagesTable, 'rowid'>;

export function messageRows(dbPath: string, groupId: string): StoredRow[] {
  return withDb(
    dbPath,
    (db) =>
      db
        .prepare(
          'SELECT group_id, seq, client_msg_id, epoch, kind, ciphertext, pinned, expires_at, created_at FROM messages WHERE group_id = ? ORDER BY seq',
        )
        .all(groupId) as StoredRow[],
  );
}

/** Stores a row as the next message of its group (a copy, a forgery, a relabelled envelope). Returns its sequence. */
export function insertMessageRow(dbPath: string, row: Omit<StoredRow, 'seq'>): number {
  return withDb(dbPath, (db) => {
    const { next } = db
      .prepare(
        'SELECT MAX(COALESCE((SELECT MAX(seq) FROM messages WHERE group_id = ?), 0), purged_seq) + 1 AS next FROM groups WHERE id = ?',
      )
      .get(row.group_id, row.group_id) as { next: number };
    db.prepare(
      'INSERT INTO messages (group_id, seq, client_msg_id, epoch, kind, ciphertext, pinned, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
      row.group_id,
      next,
      row.client_msg_id,
      row.epoch,
      row.kind,
      row.ciphertext,
      row.pinned,
      row.expires_at,
      row.created_at,
    );
    return next;
  });
}

/** Hands a stored message out again as the group's newest (the same envelope and id, under a new sequence): a replay. Returns its new sequence. */
export function replayMessageRow(dbPath: string, groupId: string, seq: number): number {
  return withDb(dbPath, (db) => {
    const { next } = db.prepare('SELECT MAX(seq) + 1 AS next FROM messages WHERE group_id = ?').get(groupId) as {
      next: number;
    };
    db.prepare('UPDATE messages SET seq = ? WHERE group_id = ? AND seq = ?').run(next, groupId, seq);
    return next;
  });
}

/** Rewrites stored messages in place. */
export function updateMessageRow(
  dbPath: string,
  groupId: string,
  seq: number,
  change: Partial<Pick<StoredRow, 'epoch' | 'kind' | 'ciphertext' | 'client_msg_id'>>,
): void {
  const cols = Object.keys(change);
  withDb(dbPath, (db) =>
    db
      .prepare(`UPDATE messages SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE group_id = ? AND seq = ?`)
      .run(...cols.map((c) => change[c as keyof typeof change]), groupId, seq),
  );
}

/** The server flags a stored message pinned (or not) on its own. */
export function setPinnedRow(dbPath: string, groupId: string, seq: number, pinned: boolean): void {
  withDb(dbPath, (db) =>
    db.prepare('UPDATE messages SET pinned = ? WHERE group_id = ? AND seq = ?').run(pinned ? 1 : 0, groupId, seq),
  );
}

export function deleteMessageRow(dbPath: string, groupId: string, seq: number): void {
  withDb(dbPath, (db) => db.prepare('DELETE FROM messages WHERE group_id = ? AND seq = ?').run(groupId, seq));
}

/** The server appends a commit to a group's log on its own (no verification), and moves the group's head to it. */
export function appendCommitRow(dbPath: string, groupId: string, commit: SignedCommit): void {
  const body = decodeCommit(commit);
  withDb(dbPath, (db) => {
    db.prepare(
      'INSERT INTO roster_commits (group_id, seq, prev_hash, hash, author, body, sig, epoch) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(groupId, body.seq, body.prev, commitHash(commit), body.author, commit.body, commit.sig, body.epoch);
    db.prepare('UPDATE groups SET roster_seq = ?, roster_head = ?, epoch = ? WHERE id = ?').run(
      body.seq,
      commitHash(commit),
      body.epoch,
      groupId,
    );
  });
}

/** Key envelopes the server holds for a device in a group. */
export function envelopeRows(dbPath: string, groupId: string, recipient: string): { epoch: number }[] {
  return withDb(
    dbPath,
    (db) =>
      db.prepare('SELECT epoch FROM key_envelopes WHERE group_id = ? AND recipient = ?').all(groupId, recipient) as {
        epoch: number;
      }[],
  );
}

/**
 * The server moves a newcomer's sealed introduction onto another pending join
 * request (one of a device it controls) and deletes her request.
 */
export function transplantIntroduction(dbPath: string, fromRequestId: string, toRequestId: string): void {
  withDb(dbPath, (db) =>
    db.transaction(() => {
      const moved = db
        .prepare(
          'UPDATE join_requests SET introduction = (SELECT introduction FROM join_requests WHERE id = ?) WHERE id = ?',
        )
        .run(fromRequestId, toRequestId);
      if (moved.changes !== 1) throw new Error('no join request to move the introduction onto');
      db.prepare('DELETE FROM join_requests WHERE id = ?').run(fromRequestId);
    })(),
  );
}

/** The pending join requests the relay stores for an invite (every one if no invite is given). */
export function joinRequestRows(
  dbPath: string,
  inviteId?: string,
): { id: string; invite_id: string; device_id: string }[] {
  return withDb(dbPath, (db) =>
    inviteId === undefined
      ? (db.prepare('SELECT id, invite_id, device_id FROM join_requests').all() as {
          id: string;
          invite_id: string;
          device_id: string;
        }[])
      : (db.prepare('SELECT id, invite_id, device_id FROM join_requests WHERE invite_id = ?').all(inviteId) as {
          id: string;
          invite_id: string;
          device_id: string;
        }[]),
  );
}
