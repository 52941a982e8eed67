// P5 against a relay that withholds a key: the admin removes Eve, and the
// server hides the new epoch's envelope from Alice (HTTP answers and pushes)
// while letting posts in the old epoch through (its SQLite file edited so the
// removal no longer closes the old epoch). Alice's client sees the verified
// roster without Eve and refuses to seal in the epoch Eve holds keys for: it
// waits, says so, and sends in the new epoch once the key arrives. A post
// queued before the removal is sealed again in the new epoch, not sent in
// the old one. Eve tries every row with the keys she saved before removal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle } from '../../client/cli/context';
import type { ClientEvent } from '../../client/sdk/events';
import { fromB64 } from '../../shared/crypto/encoding';
import type { EpochKeys } from '../../shared/protocol/epoch-keys';
import { decryptMessage } from '../../shared/protocol/message-envelope';
import type { MessageKind } from '../../shared/protocol/posting-rules';
import { decodePlaintext } from '../../shared/protocol/plaintext';
import { messageRows, type StoredRow, withDb } from '../support/db-tamper';
import { useServer } from '../support/fixtures';
import { type MaliciousProxy, route, startMaliciousProxy } from '../support/malicious-proxy';
import { removeTempDirs, reopen, storedEpochKeys, type TestClient, textOf } from '../support/sdk-fixtures';
import { clientGroup } from '../support/client-group';

const server = useServer();
let proxy: MaliciousProxy;

/** What Eve reads from the relay's rows with the epoch keys she saved before her removal. */
function readableBy(saved: EpochKeys[], rows: StoredRow[]): string[] {
  const texts: string[] = [];
  for (const row of rows) {
    for (const keys of saved) {
      try {
        const { plaintext } = decryptMessage(keys, fromB64(row.ciphertext), {
          group: row.group_id,
          epoch: row.epoch,
          kind: row.kind as MessageKind,
          messageId: row.client_msg_id,
        });
        const content = decodePlaintext(plaintext);
        texts.push(content.type === 'text' ? content.text : JSON.stringify(content));
      } catch {
        // not hers to read
      }
    }
  }
  return texts;
}

/** The relay lets posts in the epoch before the current one through, whatever removed whom. */
const reopenOldEpochs = (groupId: string) =>
  withDb(server.current.dbPath, (db) => db.prepare('UPDATE groups SET min_post_epoch = 0 WHERE id = ?').run(groupId));

/** Hides every envelope of `epoch` and later, from HTTP answers and pushes; returns the undo. */
function withholdFrom(epoch: number): () => void {
  const undoHttp = proxy.rewriteResponses(route('GET', /\/key-envelopes$/), (body) => ({
    ...body,
    envelopes: body.envelopes.filter((e: { epoch: number }) => e.epoch < epoch),
  }));
  const undoPush = proxy.rewritePushes((f) => (f.type === 'key-envelope' && f.epoch >= epoch ? [] : [f]));
  return () => {
    undoHttp();
    undoPush();
  };
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'sent',
    (e: { code?: string }) => e.code,
  );

beforeAll(async () => {
  proxy = await startMaliciousProxy(server.current);
});

afterAll(async () => {
  await proxy.close();
  await removeTempDirs();
});

describe('a relay that withholds the key of the epoch that removed a member', () => {
  let admin: TestClient;
  let alice: TestClient;
  let eve: TestClient;
  let groupId: string;
  let eveSaved: EpochKeys[];
  let removalEpoch: number;
  let undo: () => void;

  beforeAll(async () => {
    const g = await clientGroup(proxy.url, 'withheld', [
      ['Alice', 'member'],
      ['Eve', 'member'],
    ]);
    [admin, alice, eve, groupId] = [g.admin, g.others[0]!, g.others[1]!, g.groupId];
    await eve.client.sync(groupId);
    eveSaved = await storedEpochKeys(eve, groupId); // a copy of her keys, kept past her removal
    await alice.client.send(groupId, 'before the removal');
    removalEpoch = alice.client.states.get(groupId)!.chain.current.epoch + 1;
    undo = withholdFrom(removalEpoch);
    await admin.client.removeMember(groupId, eve.client.deviceId);
    reopenOldEpochs(groupId);
  });

  afterAll(async () => {
    undo();
    await Promise.all([admin, alice].map((t) => settle(t.client)));
  });

  it('Eve’s saved keys read what was sent before her removal (the attack has something to take)', () => {
    expect(readableBy(eveSaved, messageRows(server.current.dbPath, groupId))).toContain('before the removal');
  });

  it('Alice sees the roster without Eve, is told she waits for the new key, and sends nothing Eve can read', async () => {
    const rowsBefore = messageRows(server.current.dbPath, groupId).length;
    await alice.client.sync(groupId);
    const view = (await alice.client.groups()).find((g) => g.groupId === groupId)!;
    expect(view.members.map((m) => m.deviceId)).not.toContain(eve.client.deviceId);
    expect(view.epoch).toBe(removalEpoch);
    expect(view.waitingForKey).toBe(true);
    expect(
      alice.events.some((e: ClientEvent) => e.type === 'key-state' && e.groupId === groupId && e.waitingForKey),
    ).toBe(true);

    expect(await codeOf(alice.client.send(groupId, 'not for eve'))).toBe('waiting_for_key');
    expect(await codeOf(alice.client.postBulletin(groupId, 'nor this'))).not.toBe('sent');

    const rows = messageRows(server.current.dbPath, groupId);
    expect(rows.slice(rowsBefore).filter((r) => r.epoch < removalEpoch)).toEqual([]);
    expect(readableBy(eveSaved, rows)).not.toContain('not for eve');
  });

  it('once the key gets through, Alice sends in the new epoch and Eve reads nothing of it', async () => {
    undo();
    const sent = await alice.client.send(groupId, 'after the key arrived');
    const view = (await alice.client.groups()).find((g) => g.groupId === groupId)!;
    expect(view.waitingForKey).toBe(false);
    expect(alice.events.some((e) => e.type === 'key-state' && e.groupId === groupId && !e.waitingForKey)).toBe(true);
    const rows = messageRows(server.current.dbPath, groupId);
    expect(rows.find((r) => r.seq === sent.seq)!.epoch).toBe(removalEpoch);
    expect(readableBy(eveSaved, rows)).not.toContain('after the key arrived');
    await admin.client.sync(groupId);
    expect((await admin.client.history(groupId)).map(textOf)).toContain('after the key arrived');
  });
});

/** A group whose Alice cannot get her posts out while `hold.posts` is set (a lost connection); everything else can. */
async function groupWithFlakyAlice(name: string) {
  const hold = { posts: false };
  const fetcher = async (input: string, init?: RequestInit): Promise<Response> => {
    if (hold.posts && init?.method === 'POST' && /\/messages$/.test(new URL(input).pathname))
      throw new TypeError('fetch failed');
    return fetch(input, init);
  };
  const g = await clientGroup(proxy.url, name, [
    ['Alice', 'member'],
    ['Eve', 'member'],
  ]);
  const alice = await reopen(g.others[0]!, { fetch: fetcher }); // the same store, with the flaky connection
  await alice.client.sync();
  const eve = g.others[1]!;
  await eve.client.sync(g.groupId);
  return { hold, admin: g.admin, alice, eve, groupId: g.groupId, eveSaved: await storedEpochKeys(eve, g.groupId) };
}

/** Sends while posts are held, and returns the send and the post as it waits in the outbox. */
async function queuePost(alice: TestClient, groupId: string, hold: { posts: boolean }, text: string) {
  hold.posts = true;
  const sending = alice.client.send(groupId, text);
  const deadline = Date.now() + 5000;
  while (alice.client.transport.outbox.size === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return { sending, queued: alice.client.transport.outbox.list()[0]! };
}

/**
 * The queued post was stored once, under a new id, in the epoch after `oldEpoch`
 * (never under its old id in the epoch Eve holds), and the admin reads it once.
 */
async function expectResealed(
  post: {
    sending: Promise<{ messageId: string; seq: number }>;
    queued: { input: { clientMsgId: string } };
    admin: TestClient;
    groupId: string;
    oldEpoch: number;
    eveSaved: EpochKeys[];
  },
  text: string,
): Promise<void> {
  const { messageId, seq } = await post.sending;
  expect(messageId).not.toBe(post.queued.input.clientMsgId);
  const rows = messageRows(server.current.dbPath, post.groupId);
  expect(rows.find((r) => r.seq === seq)!.epoch).toBe(post.oldEpoch + 1);
  expect(rows.filter((r) => r.client_msg_id === post.queued.input.clientMsgId)).toEqual([]);
  expect(readableBy(post.eveSaved, rows)).not.toContain(text);
  await post.admin.client.sync(post.groupId);
  expect((await post.admin.client.history(post.groupId)).map(textOf).filter((t) => t === text)).toHaveLength(1);
}

describe('a post queued before a removal', () => {
  const parts: { admin: TestClient; alice: TestClient }[] = [];

  afterAll(async () => {
    await Promise.all(parts.flatMap(({ admin, alice }) => [admin, alice]).map((t) => settle(t.client)));
  });

  it('is sealed again in the new epoch, never sent in the one Eve holds keys for', async () => {
    const { hold, admin, alice, eve, groupId, eveSaved } = await groupWithFlakyAlice('queued');
    parts.push({ admin, alice });
    const oldEpoch = alice.client.states.get(groupId)!.latestEpoch;
    const { sending, queued } = await queuePost(alice, groupId, hold, 'queued before the removal');
    expect(queued.input.epoch).toBe(oldEpoch);

    await admin.client.removeMember(groupId, eve.client.deviceId);
    reopenOldEpochs(groupId); // the relay would take the old epoch
    await alice.client.sync(groupId); // she learns of the removal (and gets the new key) while the post waits
    hold.posts = false;
    await expectResealed({ sending, queued, admin, groupId, oldEpoch, eveSaved }, 'queued before the removal');
  });

  it('that leaves before the client knows of the removal is refused by the relay, then sealed again in the new epoch', async () => {
    const { hold, admin, alice, eve, groupId, eveSaved } = await groupWithFlakyAlice('in-flight');
    parts.push({ admin, alice });
    const oldEpoch = alice.client.states.get(groupId)!.latestEpoch;
    const { sending, queued } = await queuePost(alice, groupId, hold, 'in flight at the removal');

    await admin.client.removeMember(groupId, eve.client.deviceId); // Alice does not sync: her retry goes out in the old epoch
    hold.posts = false;
    await expectResealed({ sending, queued, admin, groupId, oldEpoch, eveSaved }, 'in flight at the removal');
  });
});
