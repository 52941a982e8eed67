// The Node storage: better-sqlite3 in WAL mode with synchronous=FULL, so a
// committed row survives a crash or power loss before anyone is acked. Writes
// are group-committed (./group-commit.ts); prepared statements are reused.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator } from 'kysely';
import { compileStatement, type Db } from '../db/database';
import { migrationProvider } from '../db/migrations';
import type { Tables } from '../db/tables';
import { GroupCommitDialect, groupCommit } from './group-commit';

export interface SqliteHandle {
  db: Db;
  sqlite: Database.Database;
  close(): Promise<void>;
}

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
  const commit = groupCommit(sqlite, prepare);
  const kysely = new Kysely<Tables>({ dialect: new GroupCommitDialect(sqlite, prepare, commit) });
  const db: Db = { kysely, atomic: (list) => commit.write(list.map(compileStatement)) };

  const { error } = await new Migrator({ db: kysely, provider: migrationProvider }).migrateToLatest();
  if (error) throw error;

  return {
    db,
    sqlite,
    close: async () => {
      commit.flush();
      sqlite.close();
    },
  };
}
