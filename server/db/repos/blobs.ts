// Rows of attachment blobs: a reservation while the upload runs (it counts
// against the group's quota and expires if never finished), then a finished
// blob that expires with the group's retention. The bytes live in the blob store.
import { sql } from 'kysely';
import type { Db } from '../database';
import type { BlobsTable } from '../tables';

const hour = (seconds: number) => Math.floor(seconds / 3600) * 3600;

export async function insertBlob(
  db: Db,
  row: Pick<BlobsTable, 'id' | 'group_id' | 'size' | 'uploader' | 'delete_token_hash'>,
  now: number,
  uploadTtlSeconds: number,
): Promise<void> {
  await db.kysely
    .insertInto('blobs')
    .values({ ...row, received: 0, complete: 0, expires_at: now + uploadTtlSeconds, created_at: hour(now) })
    .execute();
}

export async function findBlob(db: Db, groupId: string, id: string, now: number) {
  return db.kysely
    .selectFrom('blobs')
    .select(['id', 'size', 'received', 'complete', 'uploader', 'delete_token_hash'])
    .where('id', '=', id)
    .where('group_id', '=', groupId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
}

/** Bytes a group's blobs (finished and reserved) take, for its quota. */
export async function groupBlobBytes(db: Db, groupId: string, now: number): Promise<number> {
  const row = await db.kysely
    .selectFrom('blobs')
    .select((eb) => eb.fn.sum<number>('size').as('total'))
    .where('group_id', '=', groupId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
  return Number(row?.total ?? 0);
}

/** Moves the upload's mark forward (never back: a resent earlier part changes nothing). */
export async function recordReceived(db: Db, id: string, received: number): Promise<void> {
  await db.kysely
    .updateTable('blobs')
    .set({ received: sql`MAX(received, ${received})` })
    .where('id', '=', id)
    .where('complete', '=', 0)
    .execute();
}

/** Marks the upload finished: the uploader is forgotten and the blob now expires with its group's retention. */
export async function markComplete(db: Db, id: string, now: number): Promise<void> {
  await db.atomic([
    sql`UPDATE blobs SET complete = 1, uploader = NULL,
          expires_at = (SELECT CASE WHEN g.retention_seconds IS NULL THEN NULL
                          ELSE CAST((${now} + g.retention_seconds) / 3600 AS INTEGER) * 3600 + 3600 END
                        FROM groups g WHERE g.id = blobs.group_id)
        WHERE id = ${id} AND complete = 0`.compile(db.kysely),
  ]);
}

export async function deleteBlobRow(db: Db, id: string): Promise<void> {
  await db.kysely.deleteFrom('blobs').where('id', '=', id).execute();
}

/** Expired blobs (finished ones past retention, unfinished uploads past their time), oldest first. */
export async function listExpiredBlobs(db: Db, now: number, limit: number) {
  return db.kysely
    .selectFrom('blobs')
    .select(['id', 'complete'])
    .where('expires_at', '<=', now)
    .orderBy('expires_at')
    .limit(limit)
    .execute();
}
