// Attachment blobs: members of a group reserve, upload (in parts, resumable),
// complete, download and (with the delete token) delete encrypted blobs. The
// relay checks membership on every call, so a removed member loses access at
// once; it never sees a key. Rows in db/repos/blobs.ts, bytes in the BlobStore.
import { toB64, utf8 } from '../../shared/crypto/encoding';
import { constantTimeEqual, randomBytes } from '../../shared/crypto/primitives';
import {
  attachmentCiphertextBytes,
  BLOB_PART_BYTES,
  blobDeleteTokenHash,
  isAttachmentCiphertextLength,
} from '../../shared/protocol/attachment';
import type { BlobUpload } from '../../shared/schemas/blobs';
import { BlobPartTooLong, type BlobStore } from '../blob-store/blob-store';
import {
  deleteBlobRow,
  findBlob,
  groupBlobBytes,
  insertBlob,
  listExpiredBlobs,
  markComplete,
  recordReceived,
} from '../db/repos/blobs';
import type { AppDeps } from '../deps';
import { fail } from '../errors';
import { requireMember, requireRate } from './access';

function storeOf(deps: AppDeps): BlobStore {
  if (!deps.blobs) fail(503, 'blobs_unavailable', 'this relay stores no attachments');
  return deps.blobs;
}

function uploadView(row: { id: string; size: number; received: number; complete: number }): BlobUpload {
  return {
    blobId: row.id,
    size: row.size,
    received: row.received,
    complete: row.complete === 1,
    partBytes: BLOB_PART_BYTES,
  };
}

/** The ciphertext bytes of the largest file the relay takes. */
export function maxCiphertextBytes(deps: AppDeps): number {
  return attachmentCiphertextBytes(deps.config.maxBlobBytes);
}

export async function createUpload(
  deps: AppDeps,
  deviceId: string,
  groupId: string,
  input: { size: number; deleteToken: string },
): Promise<BlobUpload> {
  storeOf(deps);
  await requireMember(deps, groupId, deviceId);
  if (input.size > maxCiphertextBytes(deps)) fail(413, 'blob_too_large', 'the file is larger than this relay takes');
  if (!isAttachmentCiphertextLength(input.size))
    fail(400, 'blob_size_invalid', 'the size is not the length of a padded attachment');
  await requireRate(deps, `blob:${deviceId}`, deps.config.blobUploadsPerHour, 3600);
  const now = deps.clock.now();
  if ((await groupBlobBytes(deps.db, groupId, now)) + input.size > deps.config.blobGroupQuotaBytes)
    fail(413, 'blob_quota_exceeded', 'the group has no room left for attachments');
  const id = toB64(randomBytes(16));
  await insertBlob(
    deps.db,
    {
      id,
      group_id: groupId,
      size: input.size,
      uploader: deviceId,
      delete_token_hash: blobDeleteTokenHash(input.deleteToken),
    },
    now,
    deps.config.blobUploadTtlSeconds,
  );
  return uploadView({ id, size: input.size, received: 0, complete: 0 });
}

/** The unfinished upload this device started (anyone else's, or none: 404, so ids are not probed). */
async function ownUpload(deps: AppDeps, deviceId: string, groupId: string, blobId: string) {
  await requireMember(deps, groupId, deviceId);
  const row = await findBlob(deps.db, groupId, blobId, deps.clock.now());
  if (!row || (row.complete === 0 && row.uploader !== deviceId)) fail(404, 'blob_not_found', 'no such blob');
  return row;
}

export async function uploadStatus(deps: AppDeps, deviceId: string, groupId: string, blobId: string) {
  storeOf(deps);
  const row = await ownUpload(deps, deviceId, groupId, blobId);
  if (row.complete === 1) fail(404, 'blob_not_found', 'no such upload');
  return uploadView(row);
}

export async function uploadPart(
  deps: AppDeps,
  deviceId: string,
  groupId: string,
  blobId: string,
  index: number,
  body: ReadableStream<Uint8Array> | null,
): Promise<BlobUpload> {
  const store = storeOf(deps);
  const row = await ownUpload(deps, deviceId, groupId, blobId);
  if (row.complete === 1) fail(409, 'blob_part_invalid', 'the upload is already complete');
  const start = index * BLOB_PART_BYTES;
  // The next part, or one already received again (a retry); never a gap.
  if (start >= row.size || start > row.received) fail(409, 'blob_part_invalid', 'send the parts in order');
  const expected = Math.min(BLOB_PART_BYTES, row.size - start);
  let written: number;
  try {
    written = await store.writePart(blobId, index, BLOB_PART_BYTES, body ?? new Blob([]).stream(), expected);
  } catch (err) {
    if (err instanceof BlobPartTooLong) fail(400, 'blob_part_invalid', 'the part is longer than it should be');
    throw err;
  }
  if (written !== expected) fail(400, 'blob_part_invalid', 'the part is shorter than it should be');
  const received = Math.max(row.received, start + written);
  await recordReceived(deps.db, blobId, received);
  return uploadView({ ...row, received });
}

export async function completeUpload(deps: AppDeps, deviceId: string, groupId: string, blobId: string) {
  const store = storeOf(deps);
  const row = await ownUpload(deps, deviceId, groupId, blobId);
  if (row.complete === 1) return uploadView(row);
  if (row.received !== row.size) fail(409, 'blob_upload_incomplete', 'parts are missing');
  await store.complete(blobId, row.size);
  await markComplete(deps.db, blobId, deps.clock.now());
  return uploadView({ ...row, complete: 1 });
}

export async function openBlob(deps: AppDeps, deviceId: string, groupId: string, blobId: string) {
  const store = storeOf(deps);
  await requireMember(deps, groupId, deviceId);
  const row = await findBlob(deps.db, groupId, blobId, deps.clock.now());
  const stream = row?.complete === 1 ? await store.read(blobId) : null;
  if (!row || !stream) fail(404, 'blob_not_found', 'no such blob');
  return { size: row.size, stream };
}

/** Deletes a blob (a message deleted for everyone): any member holding the delete token, i.e. its uploader. */
export async function deleteBlob(deps: AppDeps, deviceId: string, groupId: string, blobId: string, token: string) {
  const store = storeOf(deps);
  await requireMember(deps, groupId, deviceId);
  const row = await findBlob(deps.db, groupId, blobId, deps.clock.now());
  if (!row) fail(404, 'blob_not_found', 'no such blob');
  if (!constantTimeEqual(utf8(blobDeleteTokenHash(token)), utf8(row.delete_token_hash)))
    fail(403, 'blob_delete_token_invalid', 'the delete token does not match');
  await store.delete(blobId); // bytes first: a crash in between leaves a row that reads as not found, never an orphan file
  await deleteBlobRow(deps.db, blobId);
}

/** Deletes expired blobs (the group's retention) and unfinished uploads past their time: bytes first, then rows. */
export async function purgeExpiredBlobs(deps: Pick<AppDeps, 'db' | 'clock' | 'blobs'>): Promise<number> {
  if (!deps.blobs) return 0;
  let purged = 0;
  for (;;) {
    const rows = await listExpiredBlobs(deps.db, deps.clock.now(), 100);
    for (const row of rows) {
      await deps.blobs.delete(row.id);
      await deleteBlobRow(deps.db, row.id);
    }
    purged += rows.length;
    if (rows.length < 100) return purged;
  }
}
