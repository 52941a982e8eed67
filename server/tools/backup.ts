// Online backup of the Node server's SQLite database, safe while it runs:
//   npm run backup -- FILE [--db PATH]        (PATH defaults to DATABASE_PATH, then ./data/mindeulle.db)
// VACUUM INTO copies one consistent snapshot (a single read transaction, so
// writers carry on and nothing half-committed is copied) into a compact new
// file. The file is written beside FILE with mode 600, checked with
// integrity_check, then renamed into place: FILE is whole or absent.
// The finished attachment blobs the copy lists go beside it, into FILE.blobs/
// (backup-blobs.ts; BLOB_DIR, else `blobs` beside the database).
// A backup holds the same metadata as the database: store it as carefully.
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { blobDirFrom } from '../blob-store/node-files';
import { backupBlobsTo } from './backup-blobs';

const USAGE = 'usage: npm run backup -- FILE [--db PATH]';

export interface BackupResult {
  file: string;
  bytes: number;
  messages: number;
}

export function backupTo(dbPath: string, file: string): BackupResult {
  if (existsSync(file)) throw new Error(`${file} exists; choose a new name (backups are never overwritten)`);
  const partial = path.join(path.dirname(file), `.${path.basename(file)}.partial`);
  rmSync(partial, { force: true });
  const umask = process.umask(0o077); // the copy is never readable by others, not even briefly
  const source = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    source.prepare('VACUUM INTO ?').run(partial);
  } finally {
    source.close();
    process.umask(umask);
  }
  const copy = new Database(partial, { readonly: true, fileMustExist: true });
  let messages: number;
  try {
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`the backup failed its integrity check: ${String(check)}`);
    messages = (copy.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
  } catch (err) {
    copy.close();
    rmSync(partial, { force: true });
    throw err;
  }
  copy.close();
  renameSync(partial, file);
  return { file, bytes: statSync(file).size, messages };
}

function main(args: string[]): void {
  const file = args[0];
  if (!file || file.startsWith('--')) throw new Error(USAGE);
  const i = args.indexOf('--db');
  const dbPath = (i >= 0 ? args[i + 1] : undefined) ?? process.env.DATABASE_PATH ?? './data/mindeulle.db';
  const result = backupTo(dbPath, file);
  console.log(`backup written: ${result.file} (${result.bytes} bytes, ${result.messages} messages, mode 600)`);
  const blobs = backupBlobsTo(file, blobDirFrom(process.env, dbPath), `${file}.blobs`);
  console.log(
    `attachments copied: ${blobs.copied} into ${blobs.dir}${blobs.missing ? ` (${blobs.missing} deleted meanwhile)` : ''}`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
