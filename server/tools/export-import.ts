// Moving a relay between Node (SQLite + BLOB_DIR) and Cloudflare (D1 + R2), both ways:
//   npm run export -- FILE [--db PATH]                              Node -> FILE + FILE.blobs/
//   npm run import -- FILE [--remote] [--persist-to DIR]            FILE + FILE.blobs/ -> D1 + R2
//   npm run export -- FILE --from-workers [--remote] [--persist-to DIR]   D1 + R2 -> FILE + FILE.blobs/
//   npm run import -- FILE --to-node [--db PATH]                    FILE + FILE.blobs/ -> new SQLite file + BLOB_DIR
// FILE is SQL (schema, applied migrations, rows); FILE.blobs/ holds every finished
// attachment blob with its hash (move-folder.ts). Unfinished uploads do not move: their
// rows are left out and their parts stay behind. Both hold the same metadata as the
// relay: keep them as safe, and delete them after the import.
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { blobDirFrom } from '../blob-store/node-files';
import { type BlobExportResult, exportNodeBlobs, exportR2Blobs } from './export-blobs';
import { importBlobsToNode, importBlobsToR2 } from './import-blobs';
import { blobsFolderOf } from './move-folder';
import { dumpSql } from './sql-dump';
import { localStateDir, runWrangler, targetArgs, type WorkersTarget } from './wrangler-cli';

const USAGE = `usage: npm run export -- FILE [--db PATH]
       npm run import -- FILE [--remote] [--persist-to DIR]
       npm run export -- FILE --from-workers [--remote] [--persist-to DIR]
       npm run import -- FILE --to-node [--db PATH]`;

/** Only finished blobs move (an unfinished upload's bytes stay behind, so its row does too). */
const FINISHED_BLOBS_ONLY = { blobs: 'complete = 1' };

export interface ExportResult {
  tables: Map<string, number>;
  blobs: BlobExportResult;
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The local D1 database file wrangler keeps under a state folder. */
export function localD1File(stateDir: string): string {
  const dir = path.join(stateDir, 'v3', 'd1', 'miniflare-D1DatabaseObject');
  const file = readdirSync(dir).find((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite');
  if (!file) throw new Error(`no D1 database under ${dir}`);
  return path.join(dir, file);
}

/** Dumps a SQLite file as SQL into `file` (mode 600); lists the finished blobs from the same snapshot. */
function dumpDatabase(dbPath: string, file: string): { tables: Map<string, number>; blobIds: string[] } {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  const fd = openSync(file, 'w', 0o600);
  try {
    return db.transaction(() => {
      const tables = dumpSql(db, (line) => writeSync(fd, `${line}\n`), FINISHED_BLOBS_ONLY);
      const blobIds = tables.has('blobs')
        ? (db.prepare('SELECT id FROM blobs WHERE complete = 1').all() as { id: string }[]).map((r) => r.id)
        : [];
      return { tables, blobIds };
    })();
  } finally {
    closeSync(fd);
    db.close();
  }
}

/** Node -> FILE: the SQLite database and the finished blobs under BLOB_DIR. */
export function exportToFile(dbPath: string, file: string, blobRoot = blobDirFrom(process.env, dbPath)): ExportResult {
  const { tables, blobIds } = dumpDatabase(dbPath, file);
  return { tables, blobs: exportNodeBlobs(blobIds, blobRoot, blobsFolderOf(file)) };
}

/** Workers -> FILE: D1 (the local file, or `wrangler d1 export --remote`) and the finished blobs in R2. */
export function exportFromWorkers(file: string, target: WorkersTarget = {}): ExportResult {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'mindeulle-d1-'));
  try {
    const source = target.remote ? path.join(scratch, 'd1.sqlite') : localD1File(localStateDir(target));
    if (target.remote) {
      const sql = path.join(scratch, 'd1.sql');
      runWrangler(['d1', 'export', 'DB', '--output', sql, '--skip-confirmation', ...targetArgs(target)], target);
      const db = new Database(source);
      db.exec(readFileSync(sql, 'utf8'));
      db.close();
    }
    const { tables, blobIds } = dumpDatabase(source, file);
    return { tables, blobs: exportR2Blobs(blobIds, blobsFolderOf(file), target) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** FILE -> Workers: `wrangler d1 execute DB --file FILE` (binding DB of wrangler.toml), then the blobs into R2. */
export function importFile(file: string, target: WorkersTarget = {}): { blobs: number } {
  runWrangler(['d1', 'execute', 'DB', '--file', path.resolve(file), '--yes', ...targetArgs(target)], target);
  return { blobs: importBlobsToR2(blobsFolderOf(file), target) };
}

/** FILE -> Node: a new SQLite file at dbPath (never over an existing one), and the blobs under BLOB_DIR. */
export function importToNode(
  file: string,
  dbPath: string,
  blobRoot = blobDirFrom(process.env, dbPath),
): { blobs: number } {
  if (existsSync(dbPath)) throw new Error(`${dbPath} exists; import into a new database file`);
  const partial = path.join(path.dirname(dbPath), `.${path.basename(dbPath)}.partial`);
  mkdirSync(path.dirname(dbPath), { recursive: true, mode: 0o700 });
  rmSync(partial, { force: true });
  closeSync(openSync(partial, 'w', 0o600)); // never readable by others, not even while it fills
  const db = new Database(partial);
  try {
    db.transaction(() => {
      db.exec(readFileSync(file, 'utf8'));
      // A file made otherwise (`wrangler d1 export`) may list unfinished uploads; their bytes do not move.
      if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'blobs'").get())
        db.exec('DELETE FROM blobs WHERE complete = 0');
    })();
  } catch (err) {
    db.close();
    rmSync(partial, { force: true });
    throw err;
  }
  db.close();
  // Blobs first: a file no row lists is never read, a row without its file would be.
  try {
    const blobs = importBlobsToNode(blobsFolderOf(file), blobRoot);
    renameSync(partial, dbPath);
    return { blobs };
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
}

function main(argv: string[]): void {
  const [command, file, ...rest] = argv;
  if (!file || file.startsWith('--') || (command !== 'export' && command !== 'import')) {
    console.error(USAGE);
    process.exit(2);
  }
  const target: WorkersTarget = { remote: rest.includes('--remote'), persistTo: option(rest, '--persist-to') };
  const dbPath = option(rest, '--db') ?? process.env.DATABASE_PATH ?? './data/mindeulle.db';
  if (command === 'export') {
    const { tables, blobs } = rest.includes('--from-workers')
      ? exportFromWorkers(file, target)
      : exportToFile(dbPath, file);
    console.log(`exported ${[...tables].map(([t, n]) => `${t}=${n}`).join(' ')} to ${file}`);
    console.log(
      `attachments copied: ${blobs.copied} into ${blobs.dir}${blobs.missing ? ` (${blobs.missing} deleted meanwhile)` : ''}`,
    );
  } else {
    const { blobs } = rest.includes('--to-node') ? importToNode(file, dbPath) : importFile(file, target);
    console.log(`imported ${file} and ${blobs} attachments`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
