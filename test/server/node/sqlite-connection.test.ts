import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite, type SqliteHandle } from '../../../server/node/sqlite-db';
import { packBatch, unpackBatch } from '../../../server/node/sqlite-connection';

let dir: string;
let store: SqliteHandle;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mdl-conn-'));
  store = await openSqlite(join(dir, 'test.db'));
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a group commit with a failing write', () => {
  it('commits the other writes of a group commit when one write fails (one statement, or several)', async () => {
    const k = store.db.kysely;
    const row = (device: string) =>
      k.insertInto('memberships').values({ group_id: 'z', device_id: device, role: 'member' });
    await store.db.atomic([row('taken')]);
    // Issued in one turn, so they share one transaction.
    const results = await Promise.allSettled([
      store.db.atomic([row('first')]),
      store.db.atomic([row('taken')]),
      store.db.atomic([row('half'), row('taken')]),
      store.db.atomic([row('last')]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    const devices = (
      await k.selectFrom('memberships').select('device_id').where('group_id', '=', 'z').orderBy('device_id').execute()
    ).map((r) => r.device_id);
    expect(devices).toEqual(['first', 'last', 'taken']);
  });
});

describe('a batch as it crosses to the writer thread', () => {
  it('carries each SQL text once and comes back as the same statements in the same order', () => {
    const insert = { sql: 'INSERT INTO t VALUES (?1)', parameters: [1] };
    const writes = [
      [insert],
      [
        { sql: 'UPDATE t SET a = ?', parameters: ['x'] },
        { ...insert, parameters: [2] },
      ],
      [{ ...insert, parameters: [3] }],
    ];
    const packed = packBatch(writes);
    expect(packed.texts).toEqual(['INSERT INTO t VALUES (?1)', 'UPDATE t SET a = ?']);
    expect(unpackBatch(structuredClone(packed))).toEqual(writes);
  });
});
