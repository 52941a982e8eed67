import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findMembership } from '../../../server/db/repos/groups';
import {
  findSeqByClientId,
  insertMessage,
  listMessages,
  purgeExpiredMessages,
} from '../../../server/db/repos/messages';
import { ApiError } from '../../../server/errors';
import { openSqlite, type SqliteHandle } from '../../../server/node/sqlite-db';
import { assertMayPost, epochMayPost } from '../../../server/services/access';
import { MESSAGE_KINDS, type MessageKind, mayPost, ROLES, type Role } from '../../../shared/protocol/posting-rules';

let dir: string;
let store: SqliteHandle;

const AUTHOR = 'device-author-aaaaaaaa';
const A = 'group-aaaaaaaaaaaaaaaa';
const B = 'group-bbbbbbbbbbbbbbbb';
const RETAINED = 'group-cccccccccccccccc';
const DAY = 86_400;

async function group(
  id: string,
  settings: {
    epoch?: number;
    retentionSeconds?: number | null;
    announcementOnly?: boolean;
    minPostEpoch?: number;
  } = {},
) {
  await store.db.kysely
    .insertInto('groups')
    .values({
      id,
      created_day: 1,
      roster_seq: 0,
      roster_head: 'h',
      epoch: settings.epoch ?? 1,
      retention_seconds: settings.retentionSeconds ?? null,
      announcement_only: settings.announcementOnly ? 1 : 0,
      purged_seq: 0,
      min_post_epoch: settings.minPostEpoch ?? 0,
    })
    .execute();
}

const member = (groupId: string, deviceId: string, role: Role) =>
  store.db.kysely.insertInto('memberships').values({ group_id: groupId, device_id: deviceId, role }).execute();

const msg = (groupId: string, clientMsgId: string, post: { epoch?: number; kind?: MessageKind } = {}) => ({
  group_id: groupId,
  client_msg_id: clientMsgId,
  epoch: post.epoch ?? 1,
  kind: post.kind ?? 'message',
  ciphertext: 'AAAA',
  pinned: 0,
});

const post = async (groupId: string, clientMsgId: string, now = 0) => {
  const stored = await insertMessage(store.db, AUTHOR, now, msg(groupId, clientMsgId));
  if (!stored) throw new Error(`not stored: ${clientMsgId}`);
  return stored;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mdl-repo-'));
  store = await openSqlite(join(dir, 'sub', 'test.db'));
  await group(A);
  await group(B);
  await group(RETAINED, { retentionSeconds: DAY });
  for (const g of [A, B, RETAINED]) await member(g, AUTHOR, 'member');
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('message sequence allocation', () => {
  it('numbers each group from 1 without gaps, independently', async () => {
    const a1 = await post(A, 'a1');
    const a2 = await post(A, 'a2');
    const b1 = await post(B, 'b1');
    expect([a1.seq, a2.seq, b1.seq]).toEqual([1, 2, 1]);
  });

  it('stores nothing for a retried client message id; the first sequence is found by that id', async () => {
    expect(await insertMessage(store.db, AUTHOR, 0, msg(A, 'a1'))).toBeUndefined();
    expect(await findSeqByClientId(store.db, A, 'a1')).toBe(1);
    expect(await findSeqByClientId(store.db, A, 'never-sent')).toBeUndefined();
    expect(await listMessages(store.db, A, 0, 100, 0)).toHaveLength(2);
  });

  it('allocates distinct sequences under concurrent posts', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => post(B, `c${i}`)));
    const seqs = results.map((r) => r.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
  });

  it('returns the stored row: the creation hour, and no expiry without a retention setting', async () => {
    const now = 1_764_662_400 + 1234;
    expect(await post(A, 'row', now)).toMatchObject({
      client_msg_id: 'row',
      kind: 'message',
      created_at: 1_764_662_400,
      expires_at: null,
    });
  });
});

describe('retention', () => {
  it('expires a post the hour after its group retention runs out, counted from the post', async () => {
    const now = 1_764_662_400 + 1234; // 1,234 s into an hour
    const stored = await post(RETAINED, 'kept-a-day', now);
    expect(stored.expires_at).toBe(1_764_662_400 + DAY + 3600);
    expect((await listMessages(store.db, RETAINED, 0, 10, now))[0]?.expires_at).toBe(stored.expires_at);
  });

  it('hides expired rows from reads before the purge runs', async () => {
    const { seq, expires_at } = await post(RETAINED, 'soon', 0);
    expect((await listMessages(store.db, RETAINED, seq - 1, 10, expires_at! - 1)).map((m) => m.seq)).toEqual([seq]);
    expect(await listMessages(store.db, RETAINED, seq - 1, 10, expires_at!)).toEqual([]);
  });

  it('never reuses a sequence after the purge deletes the newest rows', async () => {
    const { seq: expiring, expires_at } = await post(RETAINED, 'exp', 0);
    expect(await purgeExpiredMessages(store.db, expires_at!)).toBeGreaterThanOrEqual(1);
    const next = await post(RETAINED, 'after-purge', expires_at!);
    expect(next.seq).toBe(expiring + 1);
    const seqs = (await listMessages(store.db, RETAINED, 0, 100, expires_at!)).map((m) => m.seq);
    expect(seqs).toEqual([1, expiring + 1]);
  });
});

describe('authorization inside the insert', () => {
  // Every role of the rules module, and a device that is no member at all (null).
  const POSTERS = [...ROLES, null] as const;
  const EPOCH = 5;

  it('stores a post exactly when assertMayPost allows it (every role, kind, setting and epoch, with and without a removal)', async () => {
    // `removal`: the current epoch was started by a commit that removed someone (older epochs are closed)
    const groupOf = (announcementOnly: boolean, removal: boolean) => `group-rules-${announcementOnly}-${removal}`;
    for (const announcementOnly of [false, true]) {
      for (const removal of [false, true])
        await group(groupOf(announcementOnly, removal), {
          epoch: EPOCH,
          announcementOnly,
          minPostEpoch: removal ? EPOCH : 0,
        });
    }
    for (const role of POSTERS) {
      if (role)
        for (const announcementOnly of [false, true])
          for (const removal of [false, true]) await member(groupOf(announcementOnly, removal), `device-${role}`, role);
    }
    const cases = POSTERS.flatMap((role) =>
      MESSAGE_KINDS.flatMap((kind) =>
        [false, true].flatMap((announcementOnly) =>
          [false, true].flatMap((removal) =>
            [EPOCH - 2, EPOCH - 1, EPOCH, EPOCH + 1].map((epoch) => ({ role, kind, announcementOnly, removal, epoch })),
          ),
        ),
      ),
    );
    const outcomes = await Promise.all(
      cases.map(async (c, i) => {
        const groupId = groupOf(c.announcementOnly, c.removal);
        const stored = await insertMessage(store.db, `device-${c.role}`, 0, msg(groupId, `rule-${i}`, c));
        const membership = await findMembership(store.db, groupId, `device-${c.role}`);
        let allowed = membership !== undefined;
        try {
          if (membership) assertMayPost(membership, c);
        } catch (e) {
          expect(e).toBeInstanceOf(ApiError);
          allowed = false;
        }
        // The rules module's answer: a member, whose role may post this kind, in an open epoch.
        const expected =
          c.role !== null &&
          mayPost(c.role, c.kind, c) &&
          epochMayPost({ epoch: EPOCH, minPostEpoch: c.removal ? EPOCH : 0 }, c.epoch);
        return { ...c, stored: stored !== undefined, allowed, expected };
      }),
    );
    expect(outcomes.filter((o) => o.stored !== o.allowed || o.allowed !== o.expected)).toEqual([]);
    // The rules do refuse and allow, for each kind: not a vacuous agreement.
    for (const kind of MESSAGE_KINDS)
      expect(new Set(outcomes.filter((o) => o.kind === kind).map((o) => o.stored))).toEqual(new Set([true, false]));
    expect(outcomes.filter((o) => o.allowed).length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => !o.allowed).length).toBeGreaterThan(0);
    // The previous epoch is open after a plain rotation and closed after a removal, in both.
    const previous = (removal: boolean) =>
      outcomes.find(
        (o) =>
          o.role === 'admin' &&
          o.kind === 'message' &&
          !o.announcementOnly &&
          o.removal === removal &&
          o.epoch === EPOCH - 1,
      )!;
    expect([previous(false).stored, previous(true).stored]).toEqual([true, false]);
  });
});

describe('atomic batches', () => {
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
