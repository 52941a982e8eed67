import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDevices } from '../../../server/db/repos/devices';
import { openSqlite, type SqliteHandle } from '../../../server/node/sqlite-db';

let store: SqliteHandle;

beforeAll(async () => {
  store = await openSqlite(':memory:');
});
afterAll(async () => {
  await store.close();
});

describe('devices repository', () => {
  it('finds more devices than D1 allows bound parameters in one statement (100)', async () => {
    const ids = Array.from({ length: 250 }, (_, i) => `device-${String(i).padStart(3, '0')}`);
    await store.db.kysely
      .insertInto('devices')
      .values(ids.map((id) => ({ id, sign_pk: 's', kx_pk: 'k', kx_version: 1, kx_sig: 'g', created_day: 1 })))
      .execute();
    const found = await findDevices(store.db, [...ids, 'unknown']);
    expect(found.map((d) => d.id).sort()).toEqual(ids);
    expect(await findDevices(store.db, [])).toEqual([]);
  });
});
