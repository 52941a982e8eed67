// Dumps a SQLite database as SQL that D1 accepts (`wrangler d1 execute
// --file`): the schema as CREATE ... IF NOT EXISTS, the applied migrations,
// and every row as an INSERT. No transaction statements or pragmas (D1 refuses
// them). Read inside one transaction, so a running server's file gives a
// consistent snapshot.
import type Database from 'better-sqlite3';

/** kysely's lock table is recreated by the Migrator; SQLite's and D1's internal tables are not ours. */
const SKIP = /^(sqlite_|_cf_|kysely_migration_lock$)/;

export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (Buffer.isBuffer(value)) return `X'${value.toString('hex')}'`;
  return `'${String(value).replace(/'/g, "''")}'`;
}

const quoteName = (name: string) => `"${name.replace(/"/g, '""')}"`;

function ifNotExists(createSql: string): string {
  return createSql.replace(
    /^CREATE (UNIQUE )?(TABLE|INDEX) (?!IF NOT EXISTS)/i,
    (_m, unique: string | undefined, kind: string) => `CREATE ${unique ?? ''}${kind} IF NOT EXISTS `,
  );
}

interface SchemaRow {
  type: 'table' | 'index';
  name: string;
  tbl_name: string;
  sql: string | null;
}

/**
 * Writes the dump one statement at a time (a string value may span lines); returns how many rows each table had.
 * `where` leaves rows out, per table, with an SQL condition (e.g. unfinished uploads, whose bytes do not move).
 */
export function dumpSql(
  db: Database.Database,
  write: (line: string) => void,
  where: Readonly<Record<string, string>> = {},
): Map<string, number> {
  const counts = new Map<string, number>();
  db.transaction(() => {
    const schema = db
      .prepare(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY type DESC, name",
      )
      .all() as SchemaRow[];
    for (const s of schema) if (s.sql && !SKIP.test(s.tbl_name)) write(`${ifNotExists(s.sql)};`);
    for (const table of schema.filter((s) => s.type === 'table' && !SKIP.test(s.name))) {
      const condition = where[table.name];
      const rows = db
        .prepare(`SELECT * FROM ${quoteName(table.name)}${condition ? ` WHERE ${condition}` : ''}`)
        .raw(true);
      const columns = rows
        .columns()
        .map((c) => quoteName(c.name))
        .join(', ');
      let n = 0;
      for (const row of rows.iterate() as Iterable<unknown[]>) {
        write(`INSERT INTO ${quoteName(table.name)} (${columns}) VALUES (${row.map(sqlLiteral).join(', ')});`);
        n++;
      }
      counts.set(table.name, n);
    }
  })();
  return counts;
}
