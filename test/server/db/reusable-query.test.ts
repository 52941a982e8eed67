import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { numberedQuery, reusableQuery } from '../../../server/db/database';
import { openSqlite, type SqliteHandle } from '../../../server/node/sqlite-db';

let store: SqliteHandle;

beforeAll(async () => {
  store = await openSqlite(':memory:');
});
afterAll(async () => {
  await store.close();
});

const run = async (q: ReturnType<ReturnType<typeof reusableQuery>>) =>
  (await store.db.kysely.executeQuery<{ v: unknown }>(q)).rows[0]?.v;

describe('reusableQuery', () => {
  it('compiles once, then binds each call its own parameters', async () => {
    const concat = reusableQuery((k, a: string, b: string) => sql`SELECT ${a} || ${b} AS v`.compile(k));
    expect(await run(concat(store.db, 'x', 'y'))).toBe('xy');
    const second = concat(store.db, 'p', 'q');
    expect(second.parameters).toEqual(['p', 'q']);
    expect(await run(second)).toBe('pq');
  });

  it('falls back to compiling every call when the builder does not use the parameters exactly in order', async () => {
    const swapped = reusableQuery((k, a: string, b: string) => sql`SELECT ${b} || ${a} AS v`.compile(k));
    expect(await run(swapped(store.db, 'x', 'y'))).toBe('yx');
    expect(await run(swapped(store.db, 'p', 'q'))).toBe('qp');
  });
});

describe('numberedQuery', () => {
  it('binds a value the statement uses several times once, by number', async () => {
    const twice = numberedQuery(['a', 'b'], (at) => `SELECT ${at.a} || ${at.b} || ${at.a} AS v`);
    const q = twice({ a: 'x', b: 'y' });
    expect(q.sql).toBe('SELECT ?1 || ?2 || ?1 AS v');
    expect(q.parameters).toEqual(['x', 'y']);
    expect(await run(q)).toBe('xyx');
    expect(await run(twice({ a: 'p', b: 'q' }))).toBe('pqp');
  });

  it('binds numbered parameters in a write as well as in a read', async () => {
    await store.db.atomic([sql`CREATE TABLE numbered (a TEXT, b TEXT)`.compile(store.db.kysely)]);
    const insert = numberedQuery(
      ['a', 'b'],
      (at) => `INSERT INTO numbered (a, b) VALUES (${at.b}, ${at.a}) RETURNING a || ${at.a} AS v`,
    );
    const [result] = await store.db.atomic([insert({ a: '1', b: '2' })]);
    expect(result?.rows).toEqual([{ v: '21' }]);
  });

  it('refuses a statement that leaves a named value unused', () => {
    expect(() => numberedQuery(['a', 'b'], (at) => `SELECT ${at.a} AS v`)).toThrow(/unused values b/);
  });
});
