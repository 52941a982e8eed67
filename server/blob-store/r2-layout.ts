// How a blob is laid out as R2 objects, shared by the Worker's store
// (server/worker/r2-blob-store.ts) and the export/import tools that move blobs
// between BLOB_DIR and R2: each 1 MiB part is its own object parts/<id>/<n>,
// and a finished blob has a record blobs/<id> naming its part count and size.
import { BLOB_PART_BYTES } from '../../shared/protocol/attachment';

const ID = /^[A-Za-z0-9_-]{16,64}$/;

export interface R2BlobRecord {
  parts: number;
  size: number;
}

export function checkedBlobId(id: string): string {
  if (!ID.test(id)) throw new Error('bad blob id');
  return id;
}

export const r2PartsPrefix = (id: string) => `parts/${checkedBlobId(id)}/`;
export const r2PartKey = (id: string, index: number) => `${r2PartsPrefix(id)}${index}`;
export const r2RecordKey = (id: string) => `blobs/${checkedBlobId(id)}`;

/** The record of a finished blob of `size` bytes (an empty blob still has one part). */
export function r2Record(size: number): R2BlobRecord {
  return { parts: Math.max(1, Math.ceil(size / BLOB_PART_BYTES)), size };
}
