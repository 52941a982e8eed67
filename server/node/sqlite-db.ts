// The Node storage: better-sqlite3 in WAL mode with synchronous=FULL, so a
// committed row survives a crash or power loss before anyone is acked.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { compileStatement, type Db, type StatementResult } from '../db/database';
import { migrationProvider } from '../db/migrations';
import type { Tables } from '../db/tables';

export interface SqliteHandle {
  db: Db;
  sqlite: Database.Database;
  close(): Promise<void>;
}

export async function openSqlite(path: string): Promise<SqliteHandle> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  // Deleted rows (purged messages, ended sessions) are overwritten, not left in free pages.
  sqlite.pragma('secure_delete = ON');
  const kysely = new Kysely<Tables>({ dialect: new SqliteDialect({ database: sqlite }) });

  const statements = new Map<string, Database.Statement>();
  const prepare = (text: string): Database.Statement => {
    let stmt = statements.get(text);
    if (!stmt) statements.set(text, (stmt = sqlite.prepare(text)));
    return stmt;
  };
  // better-sqlite3 is synchronous, so the whole transaction runs within one
  // tick: nothing else can interleave with it.
  const runAll = sqlite.transaction((compiled: ReturnType<typeof compileStatement>[]): StatementResult[] =>
    compiled.map((q) => {
      const stmt = prepare(q.sql);
      const params = q.parameters as unknown[];
      return stmt.reader ? { rows: stmt.all(...params) as Record<string, unknown>[], changes: 0 } : { rows: [], changes: stmt.run(...params).changes };
    }),
  );

  const db: Db = {
    kysely,
    atomic: async (list) => runAll(list.map(compileStatement)),
  };

  const { error } = await new Migrator({ db: kysely, provider: migrationProvider }).migrateToLatest();
  if (error) throw error;

  return {
    db,
    sqlite,
    close: async () => {
      await kysely.destroy();
    },
  };
}
