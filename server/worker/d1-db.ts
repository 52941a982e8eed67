// The Workers storage: D1 through a small kysely dialect for reads and single statements,
// and `atomic` as one D1 batch (D1 runs a batch as a single transaction and
// has no interactive transactions). Mirrors server/node/sqlite-db.ts.
import { Kysely, Migrator } from 'kysely';
import { compileStatement, type Db } from '../db/database';
import { migrationProvider } from '../db/migrations';
import type { Tables } from '../db/tables';
import { D1Dialect } from './d1-dialect';

export function openD1(database: D1Database): Db {
  const kysely = new Kysely<Tables>({ dialect: new D1Dialect(database) });
  return {
    kysely,
    async atomic(list) {
      if (list.length === 0) return [];
      const statements = list.map(compileStatement).map((q) => database.prepare(q.sql).bind(...q.parameters));
      const results = await database.batch<Record<string, unknown>>(statements);
      return results.map((r) => ({ rows: r.results ?? [], changes: r.meta?.changes ?? 0 }));
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs the same migrations as Node with kysely's Migrator (SQLite's adapter
 * needs no transaction or lock). Two cold isolates may race on a fresh
 * database: the loser's CREATE TABLE fails, and it retries once the winner
 * has recorded the migration.
 */
export async function migrateD1(db: Db, attempts = 5): Promise<void> {
  const migrator = new Migrator({ db: db.kysely, provider: migrationProvider });
  for (let attempt = 1; ; attempt++) {
    const { error } = await migrator.migrateToLatest();
    if (!error) return;
    if (attempt >= attempts) throw error;
    await sleep(100 * attempt);
  }
}
