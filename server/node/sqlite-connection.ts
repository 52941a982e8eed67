// One better-sqlite3 connection as the relay uses it (WAL, synchronous=FULL:
// a committed row survives a crash or power loss), with prepared statements
// reused by SQL text, and the group-commit step that runs one turn's writes.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { StatementResult } from '../db/database';

/** A compiled statement as it crosses to the writer thread. */
export interface WireQuery {
  sql: string;
  parameters: readonly unknown[];
}

export interface WireError {
  name: string;
  message: string;
  code?: string;
}

/**
 * A batch as it crosses to the writer thread: each distinct SQL text once,
 * each statement as its text's index and its parameters. Most of a batch is
 * the same insert, whose text (near 1 KB) would otherwise be cloned per post.
 */
export interface PackedBatch {
  texts: string[];
  writes: (readonly [number, readonly unknown[]])[][];
}

export function packBatch(writes: readonly (readonly WireQuery[])[]): PackedBatch {
  const index = new Map<string, number>();
  const texts: string[] = [];
  const packed = writes.map((queries) =>
    queries.map((q) => {
      let i = index.get(q.sql);
      if (i === undefined) index.set(q.sql, (i = texts.push(q.sql) - 1));
      return [i, q.parameters] as const;
    }),
  );
  return { texts, writes: packed };
}

export function unpackBatch({ texts, writes }: PackedBatch): WireQuery[][] {
  return writes.map((queries) => queries.map(([i, parameters]) => ({ sql: texts[i]!, parameters })));
}

export type Outcome = { ok: true; results: StatementResult[] } | { ok: false; error: WireError };

/** Prepared statements are reused by SQL text; the bound keeps odd one-off texts from piling up. */
const MAX_CACHED_STATEMENTS = 1000;

export function openConnection(path: string): {
  sqlite: Database.Database;
  prepare: (sql: string) => Database.Statement;
} {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  // Deleted rows (purged messages, ended sessions) are overwritten, not left in free pages.
  sqlite.pragma('secure_delete = ON');
  const statements = new Map<string, Database.Statement>();
  const prepare = (text: string): Database.Statement => {
    let stmt = statements.get(text);
    if (!stmt) {
      if (statements.size >= MAX_CACHED_STATEMENTS) statements.clear();
      statements.set(text, (stmt = sqlite.prepare(text)));
    }
    return stmt;
  };
  return { sqlite, prepare };
}

const numberedStatements = new WeakMap<Database.Statement, boolean>();

/**
 * The arguments that bind a statement's parameters. better-sqlite3 takes
 * anonymous parameters (?) as a list, but numbered ones (?1, ?2 ...: the
 * numberedQuery of db/database.ts) only as one object keyed by number;
 * D1 takes both as a list. Decided once per prepared statement.
 */
export function bindArgs(stmt: Database.Statement, parameters: readonly unknown[]): readonly unknown[] {
  let numbered = numberedStatements.get(stmt);
  if (numbered === undefined) numberedStatements.set(stmt, (numbered = /\?\d/.test(stmt.source)));
  return numbered ? [Object.fromEntries(parameters.map((p, i) => [i + 1, p]))] : parameters;
}

export function wireError(error: unknown): WireError {
  const e = error as Error & { code?: unknown };
  return {
    name: e?.name ?? 'Error',
    message: e?.message ?? String(error),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
  };
}

/**
 * Runs a turn's writes in ONE transaction (one WAL fsync), each in its own
 * savepoint so that a failing write rolls back alone. Throws only if the
 * transaction itself fails; then nothing was committed.
 */
export function commitWrites(
  sqlite: Database.Database,
  prepare: (sql: string) => Database.Statement,
): (writes: readonly (readonly WireQuery[])[]) => Outcome[] {
  const run = (q: WireQuery): StatementResult => {
    const stmt = prepare(q.sql);
    const args = bindArgs(stmt, q.parameters);
    return stmt.reader
      ? { rows: stmt.all(...args) as Record<string, unknown>[], changes: 0 }
      : { rows: [], changes: stmt.run(...args).changes };
  };
  // Called inside the batch's transaction, `runAtomically` becomes a savepoint.
  const runAtomically = sqlite.transaction((queries: readonly WireQuery[]): StatementResult[] => queries.map(run));
  return sqlite.transaction((writes: readonly (readonly WireQuery[])[]): Outcome[] =>
    writes.map((queries) => {
      try {
        // One statement needs no savepoint: a statement that fails undoes its own changes.
        return { ok: true, results: queries.length === 1 ? [run(queries[0]!)] : runAtomically(queries) };
      } catch (error) {
        // An error that ended the transaction itself (I/O, disk full) fails the whole batch.
        if (!sqlite.inTransaction) throw error;
        return { ok: false, error: wireError(error) };
      }
    }),
  );
}
