// Copies the finished blobs an export lists into its FILE.blobs/ folder
// (move-folder.ts), from either store: the Node relay's BLOB_DIR/blobs/<id>
// files, or R2 (the record blobs/<id> and its parts, fetched one object at a
// time with `wrangler r2 object get`, joined in order). A listed blob that is
// gone (deleted or purged since) is counted as missing, not an error.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkedBlobId, type R2BlobRecord, r2PartKey, r2RecordKey } from '../blob-store/r2-layout';
import { appendFiles, writeDurably, writeManifest } from './move-folder';
import { R2_BUCKET, runWrangler, targetArgs, type WorkersTarget } from './wrangler-cli';

export interface BlobExportResult {
  dir: string;
  copied: number;
  /** listed by the database but deleted (or purged) before it could be copied */
  missing: number;
}

function exportEach(ids: string[], dir: string, copy: (id: string) => string | null): BlobExportResult {
  const hashes = new Map<string, string>();
  let missing = 0;
  for (const id of ids) {
    const sha256 = copy(checkedBlobId(id));
    if (sha256) hashes.set(id, sha256);
    else missing += 1;
  }
  writeManifest(dir, hashes);
  return { dir, copied: hashes.size, missing };
}

export function exportNodeBlobs(ids: string[], blobRoot: string, dir: string): BlobExportResult {
  return exportEach(ids, dir, (id) => {
    const from = path.join(blobRoot, 'blobs', id);
    if (!existsSync(from)) return null;
    let sha256 = '';
    try {
      writeDurably(dir, id, (fd) => {
        sha256 = appendFiles(fd, [from]).sha256;
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null; // deleted while the export ran
      throw err;
    }
    return sha256;
  });
}

/** `wrangler r2 object get`: false when there is no such object. */
function getObject(key: string, file: string, target: WorkersTarget): boolean {
  try {
    runWrangler(['r2', 'object', 'get', `${R2_BUCKET}/${key}`, '--file', file, ...targetArgs(target)], {
      ...target,
      quiet: true,
    });
    return true;
  } catch (err) {
    if (/specified key does not exist|NoSuchKey/i.test((err as Error).message)) return false;
    throw err;
  }
}

export function exportR2Blobs(ids: string[], dir: string, target: WorkersTarget): BlobExportResult {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'mindeulle-export-'));
  try {
    return exportEach(ids, dir, (id) => {
      const recordFile = path.join(scratch, 'record');
      if (!getObject(r2RecordKey(id), recordFile, target)) return null;
      const record = JSON.parse(readFileSync(recordFile, 'utf8')) as R2BlobRecord;
      const parts: string[] = [];
      for (let index = 0; index < record.parts; index++) {
        const part = path.join(scratch, String(index));
        if (!getObject(r2PartKey(id, index), part, target)) throw new Error(`blob ${id}: part ${index} is missing`);
        parts.push(part);
      }
      let sha256 = '';
      writeDurably(dir, id, (fd) => {
        const joined = appendFiles(fd, parts);
        if (joined.size !== record.size)
          throw new Error(`blob ${id}: ${joined.size} bytes, its record says ${record.size}`);
        sha256 = joined.sha256;
      });
      for (const part of parts) rmSync(part);
      return sha256;
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
