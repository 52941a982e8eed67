// P7: one forged row must not silence the real ones. The relay (through the
// malicious proxy) slips a row that does not authenticate, with sequence 10^9,
// into every page of the HTTP catch-up and pushes one over the live socket.
// Only rows that authenticate move the client's high-water mark, so the real
// messages after it are all read; the forged row is reported once, not on
// every sync. A sequence the relay skips altogether is flagged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle } from '../../client/cli/context';
import type { ClientEvent, MessageEvent, UndecryptableEvent } from '../../client/sdk/events';
import { toB64 } from '../../shared/crypto/encoding';
import { randomBytes } from '../../shared/crypto/primitives';
import { useServer } from '../support/fixtures';
import { type MaliciousProxy, route, startMaliciousProxy } from '../support/malicious-proxy';
import { clientGroup } from '../support/client-group';
import { removeTempDirs, type TestClient, textOf, waitForEvent } from '../support/sdk-fixtures';

const server = useServer();
let proxy: MaliciousProxy;
let alice: TestClient;
let bora: TestClient;
let groupId: string;

const HUGE = 1_000_000_000;
const isText =
  (text: string) =>
  (e: ClientEvent): e is MessageEvent =>
    textOf(e) === text;
const forgedReports = () =>
  bora.events.filter((e): e is UndecryptableEvent => e.type === 'undecryptable' && e.seq === HUGE);

function forgedRow(seq = HUGE) {
  const epoch = alice.client.states.get(groupId)!.latestEpoch;
  return {
    seq,
    clientMsgId: toB64(randomBytes(16)),
    epoch,
    kind: 'message',
    ciphertext: toB64(randomBytes(256)),
    pinned: false,
    createdAt: 0,
    expiresAt: null,
  };
}

beforeAll(async () => {
  proxy = await startMaliciousProxy(server.current);
  const g = await clientGroup(proxy.url, 'p7-forged', [['Bora', 'member']]);
  [alice, bora, groupId] = [g.admin, g.others[0]!, g.groupId];
});

afterAll(async () => {
  await bora.client.disconnect();
  await Promise.all([alice, bora].map((t) => settle(t.client)));
  await proxy.close();
  await removeTempDirs();
});

describe('a server that forges a row with a huge sequence', () => {
  it('in the HTTP catch-up: the real messages after it are all read, and the forged row is reported once', async () => {
    const row = forgedRow();
    const undo = proxy.rewriteResponses(route('GET', /\/messages$/), (body) => ({
      ...body,
      messages: [row, ...body.messages],
    }));
    await alice.client.send(groupId, 'before the forgery');
    await bora.client.sync(groupId);
    for (const text of ['real one', 'real two', 'real three']) {
      await alice.client.send(groupId, text);
      await bora.client.sync(groupId);
    }
    undo();
    for (const text of ['before the forgery', 'real one', 'real two', 'real three'])
      expect(bora.events.filter(isText(text))).toHaveLength(1);
    expect(forgedReports()).toHaveLength(1);
    expect(bora.client.states.get(groupId)!.record.lastSeq).toBeLessThan(HUGE);
  });

  it('pushed live, at 10^9 or at the very sequence the next real message will take: the real messages are all read', async () => {
    await bora.client.connect();
    const next = bora.client.states.get(groupId)!.record.lastSeq + 1;
    for (const link of proxy.links)
      for (const seq of [HUGE, next]) link.push({ type: 'message', groupId, message: forgedRow(seq) });
    await waitForEvent(bora, (e): e is UndecryptableEvent => e.type === 'undecryptable' && e.seq === next);
    for (const text of ['live one', 'live two']) {
      await alice.client.send(groupId, text);
      await waitForEvent(bora, isText(text));
    }
    expect(bora.events.find(isText('live one'))!.seq).toBe(next);
    expect(bora.client.states.get(groupId)!.record.lastSeq).toBeLessThan(HUGE);
  });

  it('a sequence the relay withholds altogether is flagged on the next message', async () => {
    let hidden = -1;
    const undoPush = proxy.rewritePushes((f) => {
      if (f.type !== 'message' || f.groupId !== groupId) return [f];
      if (hidden < 0) hidden = f.message.seq;
      return f.message.seq === hidden ? [] : [f];
    });
    const undoHttp = proxy.rewriteResponses(route('GET', /\/messages$/), (body) => ({
      ...body,
      messages: body.messages.filter((m: { seq: number }) => m.seq !== hidden),
    }));
    await alice.client.send(groupId, 'withheld');
    await alice.client.send(groupId, 'after the hole');
    const next = await waitForEvent(bora, isText('after the hole'));
    undoPush();
    undoHttp();
    expect(next.flags.seqJump).toBe(true);
    expect(bora.events.filter(isText('live two'))[0]!.flags.seqJump).toBeUndefined();
  });
});
