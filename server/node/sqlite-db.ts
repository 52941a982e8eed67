// The Node storage: better-sqlite3 in WAL mode with synchronous=FULL, so a
// committed row survives a crash or power loss before anyone is acked.
//
// Group commit: every `atomic` call made within one event-loop turn runs in
// ONE transaction (one WAL fsync for all of them), each inside its own
// savepoint so that a failing call rolls back alone. Each caller's promise
// settles only after that transaction has committed, so "ack only after a
// durable commit" holds while a burst of posts shares a single fsync.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type CompiledQuery, Kysely, Migrator, SqliteDialect } from 'kysely';
import { compileStatement, type Db, type StatementResult } from '../db/database';
import { migrationProvider } from '../db/migrations';
import type { Tables } from '../db/tables';

export interface SqliteHandle {
  db: Db;
  sqlite: Database.Database;
  close(): Promise<void>;
}

interface PendingCall {
  compiled: CompiledQuery[];
  resolve(results: StatementResult[]): void;
  reject(err: unknown): void;
}

type Outcome = { ok: true; results: StatementResult[] } | { ok: false; error: unknown };

/** Prepared statements are reused by SQL text; the bound keeps odd one-off texts from piling up. */
const MAX_CACHED_STATEMENTS = 1000;

export async function openSqlite(path: string): Promise<SqliteHandle> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');

  const statements = new Map<string, Database.Statement>();
  const prepare = (text: string): Database.Statement => {
    let stmt = statements.get(text);
    if (!stmt) {
      if (statements.size >= MAX_CACHED_STATEMENTS) statements.clear();
      statements.set(text, (stmt = sqlite.prepare(text)));
    }
    return stmt;
  };
  // Kysely's reads and single statements use the same statement cache.
  const kysely = new Kysely<Tables>({ dialect: new SqliteDialect({ database: { prepare, close: () => sqlite.close() } }) });

  // better-sqlite3 is synchronous, so a transaction runs within one tick:
  // nothing else can interleave with it. Called inside `commitGroup`, `runCall`
  // becomes a savepoint.
  const runCall = sqlite.transaction((compiled: CompiledQuery[]): StatementResult[] =>
    compiled.map((q) => {
      const stmt = prepare(q.sql);
      const params = q.parameters as unknown[];
      return stmt.reader ? { rows: stmt.all(...params) as Record<string, unknown>[], changes: 0 } : { rows: [], changes: stmt.run(...params).changes };
    }),
  );
  const commitGroup = sqlite.transaction((calls: PendingCall[]): Outcome[] =>
    calls.map((call) => {
      try {
        return { ok: true, results: runCall(call.compiled) };
      } catch (error) {
        return { ok: false, error };
      }
    }),
  );

  let pending: PendingCall[] = [];
  const flush = () => {
    const calls = pending;
    pending = [];
    let outcomes: Outcome[];
    try {
      outcomes = commitGroup(calls);
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nobody is acked.
      for (const call of calls) call.reject(error);
      return;
    }
    outcomes.forEach((o, i) => (o.ok ? calls[i]!.resolve(o.results) : calls[i]!.reject(o.error)));
  };

  const db: Db = {
    kysely,
    atomic: (list) =>
      new Promise((resolve, reject) => {
        const compiled = list.map(compileStatement);
        // The first call of a turn schedules the commit after this turn's I/O callbacks.
        if (pending.length === 0) setImmediate(flush);
        pending.push({ compiled, resolve, reject });
      }),
  };

  const { error } = await new Migrator({ db: kysely, provider: migrationProvider }).migrateToLatest();
  if (error) throw error;

  return {
    db,
    sqlite,
    close: async () => {
      if (pending.length > 0) flush();
      await kysely.destroy();
    },
  };
}
