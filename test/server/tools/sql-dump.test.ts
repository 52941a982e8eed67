import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { dumpSql, sqlLiteral } from '../../../server/tools/sql-dump';

describe('SQL dump for D1', () => {
  it('quotes values so that they load back unchanged', () => {
    expect(sqlLiteral(null)).toBe('NULL');
    expect(sqlLiteral(42)).toBe('42');
    expect(sqlLiteral("it's")).toBe("'it''s'");
    expect(sqlLiteral(Buffer.from([0, 255]))).toBe("X'00ff'");
  });

  it('round-trips schema, rows and applied migrations, and skips internal tables', () => {
    const source = new Database(':memory:');
    source.exec(`
      CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER, b BLOB, s TEXT);
      CREATE INDEX t_n ON t (n) WHERE n IS NOT NULL;
      CREATE TABLE kysely_migration (name TEXT PRIMARY KEY, timestamp TEXT);
      CREATE TABLE kysely_migration_lock (id TEXT PRIMARY KEY, is_locked INTEGER);
      INSERT INTO kysely_migration VALUES ('0001_initial', '2026-01-01');
      INSERT INTO kysely_migration_lock VALUES ('migration_lock', 0);`);
    const insert = source.prepare('INSERT INTO t VALUES (?, ?, ?, ?)');
    insert.run("a'b", 1, Buffer.from('x'), null);
    insert.run('c', null, null, 'line\nbreak "quoted"');
    const lines: string[] = [];
    const counts = dumpSql(source, (l) => lines.push(l));
    expect(Object.fromEntries(counts)).toEqual({ t: 2, kysely_migration: 1 });
    expect(lines.join('\n')).not.toMatch(/kysely_migration_lock|BEGIN|PRAGMA/);

    const target = new Database(':memory:');
    target.exec(lines.join('\n'));
    target.exec(lines.filter((l) => l.startsWith('CREATE')).join('\n')); // schema statements are idempotent
    expect(target.prepare('SELECT * FROM t ORDER BY id').all()).toEqual(
      source.prepare('SELECT * FROM t ORDER BY id').all(),
    );
    expect(target.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").pluck().all()).toContain('t_n');
    expect(target.prepare('SELECT name FROM kysely_migration').pluck().all()).toEqual(['0001_initial']);
  });

  it('leaves out the rows a per-table condition excludes (unfinished uploads do not move)', () => {
    const source = new Database(':memory:');
    source.exec(`CREATE TABLE blobs (id TEXT PRIMARY KEY, complete INTEGER);
      INSERT INTO blobs VALUES ('done', 1), ('partway', 0);`);
    const lines: string[] = [];
    expect(dumpSql(source, (l) => lines.push(l), { blobs: 'complete = 1' }).get('blobs')).toBe(1);
    const target = new Database(':memory:');
    target.exec(lines.join('\n'));
    expect(target.prepare('SELECT id FROM blobs').pluck().all()).toEqual(['done']);
  });
});
