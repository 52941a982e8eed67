// Puts the blobs of an export's FILE.blobs/ folder (move-folder.ts) into the
// target store, checking each against the hash the export recorded: into R2
// as the Worker lays them out (r2-layout.ts; all parts first with `wrangler r2
// bulk put`, then the records, so a blob is readable only once whole), or into
// the Node relay's BLOB_DIR/blobs/ (temporary name, fsync, rename).
import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BLOB_PART_BYTES } from '../../shared/protocol/attachment';
import { r2PartKey, r2Record, r2RecordKey } from '../blob-store/r2-layout';
import { appendFiles, checkBlob, readManifest, writeDurably } from './move-folder';
import { R2_BUCKET, runWrangler, targetArgs, type WorkersTarget } from './wrangler-cli';

/** Scratch space the parts of one `r2 bulk put` may take. */
const BATCH_BYTES = 256 * 1024 * 1024;

interface Upload {
  key: string;
  file: string;
}

/** Splits a blob file into its 1 MiB parts (an empty blob is one empty part); returns the part files. */
function splitIntoParts(file: string, id: string, scratch: string): { parts: Upload[]; size: number } {
  const parts: Upload[] = [];
  const buffer = Buffer.allocUnsafe(BLOB_PART_BYTES);
  const fd = openSync(file, 'r');
  let size = 0;
  try {
    for (let index = 0; ; index++) {
      let n = 0;
      while (n < BLOB_PART_BYTES) {
        const got = readSync(fd, buffer, n, BLOB_PART_BYTES - n, null);
        if (got === 0) break;
        n += got;
      }
      if (n === 0 && index > 0) break;
      const part = path.join(scratch, `${id}.${index}`);
      writeFileSync(part, buffer.subarray(0, n), { mode: 0o600 });
      parts.push({ key: r2PartKey(id, index), file: part });
      size += n;
      if (n < BLOB_PART_BYTES) break;
    }
  } finally {
    closeSync(fd);
  }
  return { parts, size };
}

function bulkPut(uploads: Upload[], scratch: string, name: string, target: WorkersTarget): void {
  const list = path.join(scratch, `${name}.json`);
  writeFileSync(list, JSON.stringify(uploads), { mode: 0o600 });
  runWrangler(['r2', 'bulk', 'put', R2_BUCKET, '--filename', list, '--force', ...targetArgs(target)], target);
}

/** Returns how many blobs went in. */
export function importBlobsToR2(dir: string, target: WorkersTarget): number {
  const hashes = readManifest(dir);
  if (hashes.size === 0) return 0;
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'mindeulle-import-'));
  try {
    let parts: Upload[] = [];
    let records: Upload[] = [];
    let batchBytes = 0;
    const flush = () => {
      if (records.length === 0) return;
      bulkPut(parts, scratch, 'parts', target);
      bulkPut(records, scratch, 'records', target);
      for (const u of [...parts, ...records]) rmSync(u.file);
      parts = [];
      records = [];
      batchBytes = 0;
    };
    for (const [id, sha256] of hashes) {
      const split = splitIntoParts(checkBlob(dir, id, sha256), id, scratch);
      const record = path.join(scratch, `${id}.record`);
      writeFileSync(record, JSON.stringify(r2Record(split.size)), { mode: 0o600 });
      parts.push(...split.parts);
      records.push({ key: r2RecordKey(id), file: record });
      batchBytes += split.size;
      if (batchBytes >= BATCH_BYTES) flush();
    }
    flush();
    return hashes.size;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Returns how many blobs went in. */
export function importBlobsToNode(dir: string, blobRoot: string): number {
  const hashes = readManifest(dir);
  const into = path.join(blobRoot, 'blobs');
  mkdirSync(path.join(blobRoot, 'uploads'), { recursive: true, mode: 0o700 });
  for (const [id, sha256] of hashes) {
    const from = checkBlob(dir, id, sha256);
    writeDurably(into, id, (fd) => {
      if (appendFiles(fd, [from]).sha256 !== sha256) throw new Error(`blob ${id} changed while it was copied`);
    });
  }
  return hashes.size;
}
