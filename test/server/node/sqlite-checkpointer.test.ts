// The checkpointer thread moves committed WAL frames into the database file,
// so that the writer thread's commits never run a checkpoint themselves (the
// writer's own automatic checkpoint only starts at 10,000 pages).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertMessage, listMessages } from '../../../server/db/repos/messages';
import { openSqlite, type SqliteHandle } from '../../../server/node/sqlite-db';

const GROUP = 'group-cccccccccccccccc';
let dir: string;
let file: string;
let store: SqliteHandle;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mdl-ckpt-'));
  file = join(dir, 'test.db');
  store = await openSqlite(file);
  await store.db.kysely
    .insertInto('groups')
    .values({ id: GROUP, created_day: 1, roster_seq: 0, roster_head: 'h', epoch: 1, retention_seconds: null, announcement_only: 0, purged_seq: 0 })
    .execute();
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WAL checkpoints off the commit path', () => {
  it('copies committed rows into the database file well below the writer threshold', async () => {
    const before = statSync(file).size;
    // About 1.2 MiB of rows (~300 pages of 4 KiB): far below 10,000 pages, so only the checkpointer can move them.
    const ciphertext = 'A'.repeat(4000);
    await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        insertMessage(store.db, { group_id: GROUP, client_msg_id: `m${i}`, epoch: 1, kind: 'message', ciphertext, pinned: 0, expires_at: null, created_at: 0 }),
      ),
    );
    // Every acked row is readable at once (from the WAL) ...
    expect(await listMessages(store.db, GROUP, 0, 1000, 0)).toHaveLength(300);
    // ... and soon lands in the database file itself.
    for (let i = 0; i < 100 && statSync(file).size < before + 300 * 4000; i++) await sleep(50);
    expect(statSync(file).size).toBeGreaterThanOrEqual(before + 300 * 4000);
  });

});
