// P3 and the counter limit through the real relay: the server relabels stored
// envelopes in its SQLite file (another kind, another epoch of the group,
// another group whose members are the same people), and a member posts an
// envelope with counter 2^32-1. Real clients show each as unreadable, never as
// content; the untouched messages around them read normally. Moving to
// another sender is not in the server's power (the sender is inside the
// encrypted layer); members trying it are covered in
// test/shared/protocol/message-envelope.test.ts (binding (P3) › to another sender).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageEvent, UndecryptableEvent } from '../../client/sdk/events';
import { settle } from '../../client/cli/context';
import { sealPost } from '../../client/sdk/send';
import { derivationCount, MAX_COUNTER } from '../../shared/protocol/sender-chain';
import { deleteMessageRow, insertMessageRow, messageRows, updateMessageRow } from '../support/db-tamper';
import { useServer } from '../support/fixtures';
import { admitClients } from '../support/client-group';
import { newClient, removeTempDirs, type TestClient, textOf } from '../support/sdk-fixtures';

const server = useServer();
let admin: TestClient;
let member: TestClient;
let g1: string;
let g2: string;

const unreadable = (t: TestClient) => t.events.filter((e): e is UndecryptableEvent => e.type === 'undecryptable');
const readTexts = (t: TestClient) => t.events.filter((e): e is MessageEvent => e.type === 'message').map(textOf);

beforeAll(async () => {
  admin = await newClient(server.current.url, 'Admin');
  member = await newClient(server.current.url, 'Member');
  g1 = await admin.client.createGroup('one');
  g2 = await admin.client.createGroup('two');
  for (const g of [g1, g2]) await admitClients(admin, g, [[member, 'member']]);
  await admin.client.rotateEpoch(g1); // g1 now has two epochs the member holds
  // both have sent their own profile updates for the new epochs before the tests tamper with rows
  await Promise.all([settle(admin.client), settle(member.client)]);
});

afterAll(async () => {
  await Promise.all([admin, member].map((t) => settle(t.client))); // no write in flight when the directories go
  await removeTempDirs();
});

describe('ciphertext moved by the server', () => {
  it('to another kind, another epoch or another group is unreadable; untouched messages read on', async () => {
    const dbPath = server.current.dbPath;
    const epoch = admin.client.states.get(g1)!.latestEpoch;
    const asBulletin = await admin.client.send(g1, 'relabelled as a bulletin');
    const olderEpoch = await admin.client.send(g1, 'relabelled to an older epoch');
    const toOtherGroup = await admin.client.send(g1, 'moved to the other group');
    await admin.client.send(g1, 'untouched');

    updateMessageRow(dbPath, g1, asBulletin.seq, { kind: 'bulletin' });
    updateMessageRow(dbPath, g1, olderEpoch.seq, { epoch: epoch - 1 });
    const row = messageRows(dbPath, g1).find((r) => r.seq === toOtherGroup.seq)!;
    deleteMessageRow(dbPath, g1, row.seq);
    const g2Epoch = admin.client.states.get(g2)!.latestEpoch;
    const movedSeq = insertMessageRow(dbPath, { ...row, group_id: g2, epoch: g2Epoch });
    expect(member.client.states.get(g1)!.keys.has(epoch - 1)).toBe(true); // she holds the older epoch's keys

    const before = unreadable(member).length;
    await member.client.sync();
    const bad = unreadable(member).slice(before);
    expect(bad.map((e) => [e.groupId, e.seq, e.reason])).toEqual(
      expect.arrayContaining([
        [g1, asBulletin.seq, 'bad_outer'],
        [g1, olderEpoch.seq, 'bad_outer'],
        [g2, movedSeq, 'bad_outer'],
      ]),
    );
    expect(bad).toHaveLength(3);
    const texts = readTexts(member);
    expect(texts).toContain('untouched');
    for (const t of ['relabelled as a bulletin', 'relabelled to an older epoch', 'moved to the other group'])
      expect(texts).not.toContain(t);
  });
});

describe('a counter of 2^32-1', () => {
  it('is refused by every reader without deriving a single key', async () => {
    const state = member.client.states.get(g1)!;
    state.keys.get(state.latestEpoch)!.sending.counter = MAX_COUNTER; // a member (or a bug) jumping to the end
    const post = sealPost(state, member.client.identity, 'message', {
      type: 'text',
      sentAt: Date.now(),
      text: 'from the end of the counter space',
    });
    const row = {
      group_id: g1,
      client_msg_id: post.clientMsgId,
      epoch: post.epoch,
      kind: post.kind,
      ciphertext: post.ciphertext,
      pinned: 0,
      expires_at: null,
      created_at: 0,
    };
    const seq = insertMessageRow(server.current.dbPath, row);
    const before = derivationCount();
    await admin.client.sync(g1);
    expect(derivationCount()).toBe(before);
    expect(unreadable(admin).find((e) => e.seq === seq)).toMatchObject({ groupId: g1, reason: 'too_far_ahead' });
    expect(readTexts(admin)).not.toContain('from the end of the counter space');
  });
});
