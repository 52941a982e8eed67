// P7 over the live connection: real clients talk to the relay through the
// malicious proxy, which duplicates, reorders, drops and replays what the relay
// pushes (and hides a dropped message from the HTTP catch-up too). Every
// message is read once; a replay is flagged and kept out of the history; a
// drop shows as a gap on the sender's next message. (The same over HTTP only,
// seen by one client through a rewriting fetch: test/client/sdk/flags.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle } from '../../client/cli/context';
import type { ClientEvent, MessageEvent } from '../../client/sdk/events';
import { useServer } from '../support/fixtures';
import { clientGroup } from '../support/client-group';
import { type MaliciousProxy, route, startMaliciousProxy } from '../support/malicious-proxy';
import { removeTempDirs, type TestClient, textOf, waitForEvent } from '../support/sdk-fixtures';

const server = useServer();
let proxy: MaliciousProxy;
let alice: TestClient;
let bora: TestClient;
let groupId: string;

const isText =
  (text: string) =>
  (e: ClientEvent): e is MessageEvent =>
    textOf(e) === text;
const eventsOf = (text: string) => bora.events.filter(isText(text));
const isMessagePush = (f: any, text?: string) =>
  f.type === 'message' && f.groupId === groupId && (text === undefined || f.message.clientMsgId === text);

beforeAll(async () => {
  proxy = await startMaliciousProxy(server.current);
  const g = await clientGroup(proxy.url, 'p7', [['Bora', 'member']]);
  [alice, bora, groupId] = [g.admin, g.others[0]!, g.groupId];
  await bora.client.connect();
});

afterAll(async () => {
  await bora.client.disconnect();
  await Promise.all([alice, bora].map((t) => settle(t.client)));
  await proxy.close();
  await removeTempDirs();
});

describe('a server that tampers with live delivery', () => {
  it('duplicated pushes yield one event', async () => {
    const undo = proxy.rewritePushes((f) => (isMessagePush(f) ? [f, f, f] : [f]));
    await alice.client.send(groupId, 'said once');
    await waitForEvent(bora, isText('said once'));
    await alice.client.send(groupId, 'next');
    await waitForEvent(bora, isText('next'));
    undo();
    expect(eventsOf('said once')).toHaveLength(1);
    expect(eventsOf('said once')[0]!.flags).toMatchObject({ verified: true, replay: false, gap: false });
  });

  it('reordered pushes are each read once, in order, without flags', async () => {
    let held: any = null;
    const undo = proxy.rewritePushes((f) => {
      if (!isMessagePush(f)) return [f];
      if (!held) return ((held = f), []); // hold the first back ...
      return [f, held]; // ... and deliver it after the second
    });
    await alice.client.send(groupId, 'first');
    await alice.client.send(groupId, 'second');
    await waitForEvent(bora, isText('second'));
    await waitForEvent(bora, isText('first'));
    undo();
    const history = (await bora.client.history(groupId)).map(textOf);
    expect(history.slice(-2)).toEqual(['first', 'second']);
    for (const t of ['first', 'second'])
      expect(eventsOf(t)).toEqual([
        expect.objectContaining({ flags: expect.objectContaining({ replay: false, gap: false }) }),
      ]);
  });

  it('a message dropped from pushes and catch-up alike shows as a gap on the sender’s next message', async () => {
    let droppedSeq = -1; // the first message pushed from now on
    const undoPush = proxy.rewritePushes((f) => {
      if (!isMessagePush(f)) return [f];
      if (droppedSeq < 0) droppedSeq = f.message.seq;
      return f.message.seq === droppedSeq ? [] : [f];
    });
    const undoHttp = proxy.rewriteResponses(route('GET', /\/messages$/), (body) => ({
      ...body,
      messages: body.messages.filter((m: { seq: number }) => m.seq !== droppedSeq),
    }));
    const dropped = await alice.client.send(groupId, 'never delivered');
    await alice.client.send(groupId, 'after the drop');
    const next = await waitForEvent(bora, isText('after the drop'));
    undoPush();
    undoHttp();
    expect(droppedSeq).toBe(dropped.seq);
    expect(eventsOf('never delivered')).toEqual([]);
    expect(next.flags).toMatchObject({ gap: true, replay: false, verified: true });
  });

  it('an old message replayed in place of a new one is flagged, shown once in the history, and the lost one leaves a gap', async () => {
    const old = proxy.links
      .flatMap((l) => l.received)
      .find((f) => isMessagePush(f) && f.message.clientMsgId === bora.events.find(isText('said once'))!.messageId);
    expect(old).toBeDefined();
    const undo = proxy.rewritePushes((f) =>
      isMessagePush(f) ? [{ ...old, message: { ...old.message, seq: f.message.seq } }] : [f],
    );
    const hidden = await alice.client.send(groupId, 'replaced by a replay');
    const undoHttp = proxy.rewriteResponses(route('GET', /\/messages$/), (body) => ({
      ...body,
      messages: body.messages.filter((m: { seq: number }) => m.seq !== hidden.seq),
    }));
    const replay = await waitForEvent(bora, (e): e is MessageEvent => isText('said once')(e) && e.flags.replay);
    undo();
    expect(replay.seq).toBe(hidden.seq);
    await alice.client.send(groupId, 'after the replay');
    const next = await waitForEvent(bora, isText('after the replay'));
    undoHttp();
    expect(next.flags.gap).toBe(true);
    expect((await bora.client.history(groupId)).map(textOf).filter((t) => t === 'said once')).toHaveLength(1);
    expect(eventsOf('replaced by a replay')).toEqual([]);
  });
});
