// The Node storage: better-sqlite3 in WAL mode with synchronous=FULL, so a
// committed row survives a crash or power loss before anyone is acked. Reads
// run on this thread; writes are group-committed (./group-commit.ts) by a
// writer thread with its own connection (./sqlite-writer.ts), so the event
// loop never waits for an fsync. An in-memory database has no second
// connection, so there the writes commit on this thread.
import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Kysely, Migrator } from 'kysely';
import { compileStatement, type Db } from '../db/database';
import { migrationProvider } from '../db/migrations';
import type { Tables } from '../db/tables';
import { type CommitBatch, GroupCommitDialect, groupCommit } from './group-commit';
import { commitWrites, openConnection, type Outcome, packBatch, type WireError } from './sqlite-connection';

export interface SqliteHandle {
  db: Db;
  sqlite: Database.Database;
  close(): Promise<void>;
}

type WriterReply = { ok: true; outcomes: Outcome[] } | { ok: false; error: WireError };

/**
 * SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL past
 * 1,000 pages, and every ack queued behind that batch waits for it. The writer
 * checkpoints earlier instead, in a moment when no batch is waiting, once the
 * WAL has grown by about this many pages since the last time (smaller, cheaper
 * checkpoints; the automatic one stays as the backstop when there is no gap).
 * Not every few batches: at a moderate rate batches are small, and a
 * checkpoint (a copy and an fsync of the database file) every ten of them cost
 * more than the batches themselves.
 */
export const CHECKPOINT_AFTER_WAL_PAGES = 250;

/**
 * WAL pages a batch appends, roughly: each batch rewrites the few pages it
 * touches (a table leaf and an index leaf or three), plus its rows' bytes.
 */
export function walPagesOf(writes: readonly (readonly { parameters: readonly unknown[] }[])[]): number {
  let bytes = 0;
  for (const queries of writes)
    for (const q of queries) for (const p of q.parameters) bytes += typeof p === 'string' ? p.length : 8;
  return 4 + bytes / 4096;
}

function writerThread(path: string): { commit: CommitBatch; idle(): void; stop(): Promise<void> } {
  // The writer is TypeScript like the rest: the thread registers tsx's loader first.
  const tsx = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const entry = new URL('./sqlite-writer.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  const worker = new Worker(boot, { eval: true, workerData: { path } });
  worker.unref(); // referenced only while a batch is in flight
  let waiting: { resolve(o: Outcome[]): void; reject(e: unknown): void } | null = null;
  worker.on('message', (reply: WriterReply) => {
    const w = waiting;
    waiting = null;
    worker.unref();
    if (reply.ok) w?.resolve(reply.outcomes);
    else w?.reject(Object.assign(new Error(reply.error.message), reply.error));
  });
  worker.on('error', (err) => {
    waiting?.reject(err);
    waiting = null;
  });
  let pagesSinceCheckpoint = 0;
  return {
    idle: () => {
      if (pagesSinceCheckpoint < CHECKPOINT_AFTER_WAL_PAGES) return;
      pagesSinceCheckpoint = 0;
      worker.postMessage({ checkpoint: true }); // no reply; a batch sent meanwhile runs after it
    },
    commit: (writes) =>
      new Promise((resolve, reject) => {
        pagesSinceCheckpoint += walPagesOf(writes);
        waiting = { resolve, reject };
        worker.ref();
        // A structured clone: cheaper than JSON for rows whose weight is one long
        // string (the ciphertext), which the clone copies without scanning.
        worker.postMessage({ batch: packBatch(writes) });
      }),
    stop: async () => {
      worker.ref(); // otherwise nothing may keep the process alive until the thread has closed its connection
      worker.postMessage({ close: true });
      await new Promise((r) => worker.once('exit', r));
    },
  };
}

export async function openSqlite(path: string): Promise<SqliteHandle> {
  const { sqlite, prepare } = openConnection(path);
  const writer = path === ':memory:' ? null : writerThread(path);
  const inThread = commitWrites(sqlite, prepare);
  const commit = groupCommit(writer ? writer.commit : async (writes) => inThread(writes), writer?.idle);
  const kysely = new Kysely<Tables>({ dialect: new GroupCommitDialect(sqlite, prepare, commit) });
  const db: Db = { kysely, atomic: (list) => commit.write(list.map(compileStatement)) };

  const { error } = await new Migrator({ db: kysely, provider: migrationProvider }).migrateToLatest();
  if (error) throw error;

  return {
    db,
    sqlite,
    close: async () => {
      await commit.idle();
      await writer?.stop();
      sqlite.close();
    },
  };
}
