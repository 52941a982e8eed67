import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertMessage, listMessages, purgeExpiredMessages } from '../../../server/db/repos/messages';
import { openSqlite, type SqliteHandle } from '../../../server/node/sqlite-db';

let dir: string;
let store: SqliteHandle;

const group = (id: string) =>
  store.db.kysely
    .insertInto('groups')
    .values({ id, created_day: 1, roster_seq: 0, roster_head: 'h', epoch: 1, retention_seconds: null, announcement_only: 0, purged_seq: 0 })
    .execute();

const msg = (groupId: string, clientMsgId: string, expiresAt: number | null = null) => ({
  group_id: groupId,
  client_msg_id: clientMsgId,
  epoch: 1,
  kind: 'message',
  ciphertext: 'AAAA',
  pinned: 0,
  expires_at: expiresAt,
  created_at: 0,
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mdl-repo-'));
  store = await openSqlite(join(dir, 'sub', 'test.db'));
  await group('group-aaaaaaaaaaaaaaaa');
  await group('group-bbbbbbbbbbbbbbbb');
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('message sequence allocation', () => {
  it('numbers each group from 1 without gaps, independently', async () => {
    const a1 = await insertMessage(store.db, msg('group-aaaaaaaaaaaaaaaa', 'a1'));
    const a2 = await insertMessage(store.db, msg('group-aaaaaaaaaaaaaaaa', 'a2'));
    const b1 = await insertMessage(store.db, msg('group-bbbbbbbbbbbbbbbb', 'b1'));
    expect([a1.seq, a2.seq, b1.seq]).toEqual([1, 2, 1]);
  });

  it('returns the first sequence for a retried client message id and stores nothing new', async () => {
    const again = await insertMessage(store.db, msg('group-aaaaaaaaaaaaaaaa', 'a1'));
    expect(again).toEqual({ seq: 1, duplicate: true });
    expect(await listMessages(store.db, 'group-aaaaaaaaaaaaaaaa', 0, 100, 0)).toHaveLength(2);
  });

  it('allocates distinct sequences under concurrent posts', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => insertMessage(store.db, msg('group-bbbbbbbbbbbbbbbb', `c${i}`))));
    const seqs = results.map((r) => r.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
  });

  it('never reuses a sequence after the purge deletes the newest rows', async () => {
    const g = 'group-aaaaaaaaaaaaaaaa';
    const { seq: expiring } = await insertMessage(store.db, msg(g, 'exp', 100));
    expect(await purgeExpiredMessages(store.db, 200)).toBe(1);
    const next = await insertMessage(store.db, msg(g, 'after-purge'));
    expect(next.seq).toBe(expiring + 1);
    const seqs = (await listMessages(store.db, g, 0, 100, 200)).map((m) => m.seq);
    expect(seqs).toEqual([1, 2, expiring + 1]);
  });

  it('hides expired rows from reads before the purge runs', async () => {
    const g = 'group-bbbbbbbbbbbbbbbb';
    const { seq } = await insertMessage(store.db, msg(g, 'soon', 1000));
    expect((await listMessages(store.db, g, seq - 1, 10, 999)).map((m) => m.seq)).toEqual([seq]);
    expect(await listMessages(store.db, g, seq - 1, 10, 1000)).toEqual([]);
  });

  it('rolls back every statement of an atomic batch when one fails', async () => {
    const k = store.db.kysely;
    await expect(
      store.db.atomic([
        k.insertInto('memberships').values({ group_id: 'x', device_id: 'y', role: 'member' }),
        k.insertInto('memberships').values({ group_id: 'x', device_id: 'y', role: 'member' }),
      ]),
    ).rejects.toThrow();
    expect(await k.selectFrom('memberships').selectAll().where('group_id', '=', 'x').execute()).toEqual([]);
  });
});
