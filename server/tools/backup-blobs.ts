// The attachment blobs that go with a database backup: every finished blob the
// backed-up database lists is copied from BLOB_DIR into FILE.blobs/ (mode 700,
// files 600), each to a temporary name and then renamed, so a blob in the copy
// is always whole. The database is copied first: a blob it lists was finished
// before, so its file exists unless it was deleted since (then it is skipped).
import { copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export interface BlobBackupResult {
  dir: string;
  copied: number;
  /** listed in the backup but deleted (or purged) before it could be copied */
  missing: number;
}

export function backupBlobsTo(backupDb: string, blobRoot: string, dir: string): BlobBackupResult {
  const db = new Database(backupDb, { readonly: true, fileMustExist: true });
  let ids: string[];
  try {
    const hasBlobs = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'blobs'").get();
    ids = hasBlobs
      ? (db.prepare('SELECT id FROM blobs WHERE complete = 1').all() as { id: string }[]).map((r) => r.id)
      : [];
  } finally {
    db.close();
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let copied = 0;
  let missing = 0;
  for (const id of ids) {
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(id)) continue;
    const from = path.join(blobRoot, 'blobs', id);
    if (!existsSync(from)) {
      missing += 1;
      continue;
    }
    const partial = path.join(dir, `.${id}.partial`);
    copyFileSync(from, partial);
    renameSync(partial, path.join(dir, id));
    copied += 1;
  }
  return { dir, copied, missing };
}
