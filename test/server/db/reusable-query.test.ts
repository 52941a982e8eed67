import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reusableQuery } from '../../../server/db/database';
import { openSqlite, type SqliteHandle } from '../../../server/node/sqlite-db';

let store: SqliteHandle;

beforeAll(async () => {
  store = await openSqlite(':memory:');
});
afterAll(async () => {
  await store.close();
});

const run = async (q: ReturnType<ReturnType<typeof reusableQuery>>) => (await store.db.kysely.executeQuery<{ v: unknown }>(q)).rows[0]?.v;

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
