// postMessage over a real SQLite file: the insert authorizes the post, and
// the second look names the refusal, returns a retry's first copy, or tries
// again when the roster changed between the two.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../server/db/database';
import { type AppDeps, buildDeps } from '../../../server/deps';
import { memoryHub } from '../../../server/live/memory-hub';
import { openSqlite, type SqliteHandle } from '../../../server/node/sqlite-db';
import { postMessage } from '../../../server/services/messages';

const GROUP = 'group-services-aaaaaaa';
const ALICE = 'device-alice-aaaaaaaaa';
const B64_16 = (n: number) => Buffer.alloc(16, n).toString('base64url');

let dir: string;
let store: SqliteHandle;
let frames: string[];

const post = (deps: AppDeps, clientMsgId: string, over: Partial<Parameters<typeof postMessage>[3]> = {}) =>
  postMessage(deps, ALICE, GROUP, {
    clientMsgId,
    epoch: 1,
    kind: 'message',
    ciphertext: 'AAAA',
    pinned: false,
    ...over,
  });

const member = () =>
  store.db.kysely.insertInto('memberships').values({ group_id: GROUP, device_id: ALICE, role: 'member' }).execute();
const notMember = () => store.db.kysely.deleteFrom('memberships').where('device_id', '=', ALICE).execute();

/** The app's dependencies over the store, with `atomic` wrapped so a test can act between statements. */
function depsWith(around: { before?(): Promise<unknown>; after?(): Promise<unknown> } = {}): AppDeps {
  const db: Db = {
    kysely: store.db.kysely,
    atomic: async (list) => {
      await around.before?.();
      const results = await store.db.atomic(list);
      await around.after?.();
      return results;
    },
  };
  const hub = memoryHub();
  hub.attach({ deviceId: 'device-reader-aaaaaaaa', send: (t) => frames.push(t), close: () => {} }, [GROUP]);
  return buildDeps({ db, hub, log: { info: () => {}, error: () => {} } });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mdl-post-'));
  store = await openSqlite(join(dir, 'test.db'));
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
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  frames = [];
  await notMember();
});

describe('postMessage', () => {
  it('stores a member post, publishes it once, and answers a retry with the first sequence without publishing again', async () => {
    await member();
    const deps = depsWith();
    const first = await post(deps, B64_16(1));
    expect(first).toMatchObject({ groupId: GROUP, duplicate: false });
    expect(frames).toHaveLength(1);
    expect(JSON.parse(frames[0]!)).toMatchObject({
      type: 'message',
      groupId: GROUP,
      message: { seq: first.seq, clientMsgId: B64_16(1) },
    });
    expect(await post(deps, B64_16(1))).toEqual({ groupId: GROUP, seq: first.seq, duplicate: true });
    expect(frames).toHaveLength(1);
  });

  it('names the rule that refused a post, and stores nothing', async () => {
    const deps = depsWith();
    await expect(post(deps, B64_16(2))).rejects.toMatchObject({ status: 403, code: 'not_member' });
    await member();
    await expect(post(deps, B64_16(3), { kind: 'bulletin' })).rejects.toMatchObject({ code: 'role_forbidden' });
    await expect(post(deps, B64_16(4), { epoch: 3 })).rejects.toMatchObject({ code: 'epoch_invalid' });
    await expect(post(deps, B64_16(5), { pinned: true })).rejects.toMatchObject({ code: 'not_bulletin' });
    expect(frames).toEqual([]);
  });

  it('acks a retry of a post stored before a removal closed its epoch as a duplicate, and refuses a new post in that epoch', async () => {
    await member();
    const deps = depsWith();
    const first = await post(deps, B64_16(8));
    // a commit removing someone starts epoch 2 and closes epoch 1
    await store.db.kysely.updateTable('groups').set({ epoch: 2, min_post_epoch: 2 }).where('id', '=', GROUP).execute();
    try {
      expect(await post(deps, B64_16(8))).toEqual({ groupId: GROUP, seq: first.seq, duplicate: true });
      await expect(post(deps, B64_16(9))).rejects.toMatchObject({ status: 409, code: 'epoch_invalid' });
      expect(frames).toHaveLength(1);
    } finally {
      await store.db.kysely
        .updateTable('groups')
        .set({ epoch: 1, min_post_epoch: 0 })
        .where('id', '=', GROUP)
        .execute();
    }
  });

  it('tries again when she was added between the refused insert and the second look', async () => {
    let added = false;
    const deps = depsWith({ after: async () => added || ((added = true), member()) });
    const result = await post(deps, B64_16(6));
    expect(result.duplicate).toBe(false);
    expect(frames).toHaveLength(1);
  });

  it('gives up with a retryable internal_error when the roster flips under every attempt', async () => {
    const deps = depsWith({ before: notMember, after: member });
    await expect(post(deps, B64_16(7))).rejects.toMatchObject({ status: 500, code: 'internal_error' });
    expect(frames).toEqual([]);
  });
});
