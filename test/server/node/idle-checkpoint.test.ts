// The writer thread checkpoints the WAL when no batch is waiting, instead of
// inside the COMMIT that takes the WAL past 1,000 pages (SQLite's automatic
// checkpoint, which makes every ack queued behind that batch wait).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertMessage, listMessages } from '../../../server/db/repos/messages';
import { groupCommit } from '../../../server/node/group-commit';
import { CHECKPOINT_AFTER_WAL_PAGES, openSqlite, type SqliteHandle, walPagesOf } from '../../../server/node/sqlite-db';

const GROUP = 'group-cccccccccccccccc';
const AUTHOR = 'device-author-aaaaaaaa';
let dir: string;
let file: string;
let store: SqliteHandle;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mdl-ckpt-'));
  file = join(dir, 'test.db');
  store = await openSqlite(file);
  await store.db.kysely
    .insertInto('groups')
    .values({
      id: GROUP,
      created_day: 1,
      roster_seq: 0,
      roster_head: 'h',
      epoch: 1,
      retention_seconds: null,
      announcement_only: 0,
      purged_seq: 0,
    })
    .execute();
  await store.db.kysely
    .insertInto('memberships')
    .values({ group_id: GROUP, device_id: AUTHOR, role: 'member' })
    .execute();
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('group commit idle hook', () => {
  it('is called once a batch has committed and nothing waits, not while writes are queued', async () => {
    const events: string[] = [];
    const commit = groupCommit(
      async (writes) => {
        events.push(`batch ${writes.length}`);
        return writes.map(() => ({ ok: true as const, results: [] }));
      },
      () => events.push('idle'),
    );
    const compiled = { sql: 'SELECT 1', parameters: [], query: {} } as never;
    await Promise.all([commit.write([compiled]), commit.write([compiled])]);
    await commit.write([compiled]);
    await sleep(0);
    expect(events).toEqual(['batch 2', 'idle', 'batch 1', 'idle']);
  });
});

describe('WAL checkpoints in idle moments', () => {
  it('copies committed rows into the database file well below 1,000 WAL pages', async () => {
    const before = statSync(file).size;
    // One batch per post (each awaited): ~300 pages of rows, far below SQLite's automatic threshold.
    const ciphertext = 'A'.repeat(4000);
    for (let i = 0; i < 300; i++) {
      await insertMessage(store.db, AUTHOR, 0, {
        group_id: GROUP,
        client_msg_id: `m${i}`,
        epoch: 1,
        kind: 'message',
        ciphertext,
        pinned: 0,
      });
    }
    expect(await listMessages(store.db, GROUP, 0, 1000, 0)).toHaveLength(300);
    // The last checkpoint may still be running in the writer thread.
    for (let i = 0; i < 100 && statSync(file).size < before + 250 * 4000; i++) await sleep(50);
    expect(statSync(file).size).toBeGreaterThanOrEqual(before + 250 * 4000);
    // The WAL rewinds after a complete checkpoint, so it stays far below the 300 pages written.
    expect(statSync(`${file}-wal`).size).toBeLessThan(300 * 4096);
  });
});

describe('when the writer checkpoints', () => {
  it('counts the WAL pages a batch appends: a few rewritten pages per batch plus its rows’ bytes', () => {
    const post = { parameters: ['g', 'id', 1, 'message', 'A'.repeat(1366), 0, 0, 0, 'dev'] };
    const small = walPagesOf([[post]]);
    expect(small).toBeGreaterThan(4);
    expect(small).toBeLessThan(5);
    // A batch of 100 posts appends about 100 x 1.4 KB of rows, not 100 x 4 pages.
    expect(walPagesOf(Array.from({ length: 100 }, () => [post]))).toBeLessThan(40);
    // Small batches (a moderate rate) reach a checkpoint after about 60 of them, not after every few.
    expect(Math.ceil(CHECKPOINT_AFTER_WAL_PAGES / small)).toBeGreaterThan(40);
  });
});
