// Reads a server's SQLite file from the test process (read-only, beside the
// running server in WAL mode): a digest of the stored state, whole tables, and
// the integrity check.
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';

/**
 * Tables a refused request may still change, by design: a login attempt
 * consumes its challenge before the signature is checked (one try per
 * challenge), and migrations are the framework's own bookkeeping.
 */
const VOLATILE = new Set(['auth_challenges']);

export class DbFile {
  private readonly db: Database.Database;

  constructor(readonly path: string) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
  }

  tables(): string[] {
    const rows = this.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'kysely_%' ORDER BY name")
      .all() as { name: string }[];
    return rows.map((r) => r.name);
  }

  rows<T = Record<string, unknown>>(table: string, orderBy = 'rowid'): T[] {
    return this.db.prepare(`SELECT * FROM "${table}" ORDER BY ${orderBy}`).all() as T[];
  }

  /** A hash of every row of every table that a refused request must leave alone. */
  digest(): string {
    const h = createHash('sha256');
    for (const table of this.tables()) {
      if (VOLATILE.has(table)) continue;
      h.update(`\u0000${table}\u0000`);
      for (const row of this.db.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).raw().iterate())
        h.update(JSON.stringify(row));
    }
    return h.digest('hex');
  }

  integrityCheck(): string {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[])
      .map((r) => r.integrity_check)
      .join('; ');
  }

  close(): void {
    this.db.close();
  }
}
