// Replies, edits and deletes between real clients and a real relay: only the
// sender of a message can change it, on every device (a member who forges an
// edit or delete of someone else's message is ignored), and a deleted
// message's text leaves every device's stored history. Also the per-tab
// unread counts (chat and board each have their own read mark).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../../../client/sdk/client';
import type { ClientEvent, MessageEvent } from '../../../client/sdk/events';
import { postPlaintext } from '../../../client/sdk/send';
import { SealedStore } from '../../../client/sdk/sealed-store';
import { FileStore } from '../../../client/node/file-store';
import { clientGroup } from '../../support/client-group';
import { useServer } from '../../support/fixtures';
import { removeTempDirs, type TestClient, textOf } from '../../support/sdk-fixtures';

const server = useServer();

let admin: TestClient;
let bora: TestClient;
let chae: TestClient;
let groupId: string;

const entry = async (c: Client, messageId: string) => (await c.history(groupId)).find((e) => e.messageId === messageId);
const changeEvent = (t: TestClient, seq: number) =>
  t.events.find((e): e is MessageEvent => e.type === 'message' && e.seq === seq);
const code = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: { code?: string }) => e.code,
  );
const syncAll = () => Promise.all([admin, bora, chae].map((t) => t.client.sync(groupId)));

/** The history document as stored on disk, opened with the passphrase (what a seized phone would hold, once unlocked). */
async function storedHistory(t: TestClient): Promise<string> {
  const store = await SealedStore.open(new FileStore(t.dir), t.options.passphrase);
  const history = await store.read<ClientEvent[]>(`history/${groupId}`);
  store.close();
  return JSON.stringify(history);
}

beforeAll(async () => {
  const made = await clientGroup(server.current.url, '답장 모임', [
    ['Bora', 'member'],
    ['Chae', 'facilitator'],
  ]);
  admin = made.admin;
  [bora, chae] = made.others as [TestClient, TestClient];
  groupId = made.groupId;
});

afterAll(async () => {
  await removeTempDirs();
});

describe('reply, edit and delete', () => {
  it('a reply carries the id of the message it answers, on every device', async () => {
    const original = await bora.client.send(groupId, '내일 모임 몇 시예요?');
    const reply = await admin.client.send(groupId, '오후 2시예요', { replyTo: original.messageId });
    await syncAll();
    for (const t of [admin, bora, chae]) {
      const e = await entry(t.client, reply.messageId);
      expect(e?.content).toMatchObject({ type: 'text', text: '오후 2시예요', replyTo: original.messageId });
    }
  });

  it('the sender edits her message: every device keeps only the latest text, marked edited', async () => {
    const { messageId } = await bora.client.send(groupId, '오타가 있는 메세지');
    await bora.client.editMessage(groupId, messageId, '고친 메시지');
    await syncAll();
    for (const t of [admin, bora, chae]) {
      const e = await entry(t.client, messageId);
      expect(e).toMatchObject({ edited: true, content: { type: 'text', text: '고친 메시지' } });
      expect(await storedHistory(t)).not.toContain('오타가 있는 메세지');
    }
    // The edit is applied to the message, not kept as a message of its own.
    expect((await admin.client.history(groupId)).some((e) => e.content.type === 'edit')).toBe(false);
  });

  it('the sender deletes her message for everyone: a placeholder stays and the text leaves every stored history', async () => {
    const { messageId } = await bora.client.send(groupId, '지워질 비밀 이야기');
    await syncAll();
    expect(await storedHistory(chae)).toContain('지워질 비밀 이야기');
    await bora.client.deleteMessage(groupId, messageId);
    await syncAll();
    for (const t of [admin, bora, chae]) {
      const e = await entry(t.client, messageId);
      expect(e).toMatchObject({ deleted: true, content: { type: 'delete' } });
      expect(await storedHistory(t)).not.toContain('지워질 비밀 이야기');
    }
    // A deleted message can be neither edited nor deleted again.
    expect(await code(bora.client.editMessage(groupId, messageId, '되살리기'))).toBe('unknown_message');
  });

  it('the SDK refuses to edit or delete someone else’s message', async () => {
    const { messageId } = await bora.client.send(groupId, '보라의 말');
    await admin.client.sync(groupId);
    expect(await code(admin.client.editMessage(groupId, messageId, '바꾼 말'))).toBe('not_author');
    expect(await code(admin.client.deleteMessage(groupId, messageId))).toBe('not_author');
  });

  it('an edit or delete another member forges for someone else’s message is ignored by every device', async () => {
    const { messageId } = await bora.client.send(groupId, '보라가 쓴 그대로');
    await syncAll();
    // The admin's client seals the changes itself, past the SDK's own check (as a modified client would).
    const forgedEdit = await postPlaintext(admin.client, groupId, 'message', {
      type: 'edit',
      sentAt: Date.now(),
      target: messageId,
      text: '관리자가 바꾼 말',
    });
    const forgedDelete = await postPlaintext(admin.client, groupId, 'message', {
      type: 'delete',
      sentAt: Date.now(),
      target: messageId,
    });
    await syncAll();
    for (const t of [admin, bora, chae]) {
      const e = await entry(t.client, messageId);
      expect(textOf(e!)).toBe('보라가 쓴 그대로');
      expect(e?.edited).toBeUndefined();
      expect(e?.deleted).toBeUndefined();
    }
    for (const t of [bora, chae]) {
      expect(changeEvent(t, forgedEdit.seq)?.change).toBe('ignored');
      expect(changeEvent(t, forgedDelete.seq)?.change).toBe('ignored');
    }
  });

  it('a change sent as a bulletin cannot touch a chat message, even the sender’s own', async () => {
    const { messageId } = await chae.client.send(groupId, '채의 대화 메시지');
    await postPlaintext(chae.client, groupId, 'bulletin', { type: 'delete', sentAt: Date.now(), target: messageId });
    await syncAll();
    expect(textOf((await entry(bora.client, messageId))!)).toBe('채의 대화 메시지');
  });

  it('a facilitator edits and deletes her own bulletin', async () => {
    const first = await chae.client.postBulletin(groupId, '[공지] 12일 모임');
    const second = await chae.client.postBulletin(groupId, '[공지] 잘못 올린 글');
    await chae.client.editMessage(groupId, first.messageId, '[공지] 12일(토) 오후 2시 모임');
    await chae.client.deleteMessage(groupId, second.messageId);
    await syncAll();
    const board = await bora.client.history(groupId, { kind: 'bulletin' });
    expect(board.find((e) => e.messageId === first.messageId)).toMatchObject({
      edited: true,
      content: { text: '[공지] 12일(토) 오후 2시 모임' },
    });
    expect(board.find((e) => e.messageId === second.messageId)?.deleted).toBe(true);
  });
});

describe('unread per tab', () => {
  const unread = async (t: TestClient) => (await t.client.groups()).find((g) => g.groupId === groupId)!;

  it('bulletins and chat messages count apart; reading one tab leaves the other unread; the total is their sum', async () => {
    await bora.client.markRead(groupId);
    expect((await unread(bora)).unread).toBe(0);
    await chae.client.postBulletin(groupId, '[공지] 새 글');
    await admin.client.send(groupId, '안녕하세요');
    await admin.client.send(groupId, '잘 지내요?');
    await bora.client.sync(groupId);
    expect(await unread(bora)).toMatchObject({ unread: 3, unreadByKind: { message: 2, bulletin: 1 } });
    await bora.client.markRead(groupId, 'message');
    expect(await unread(bora)).toMatchObject({ unread: 1, unreadByKind: { message: 0, bulletin: 1 } });
    await chae.client.postBulletin(groupId, '[공지] 또 새 글');
    await bora.client.sync(groupId);
    expect((await unread(bora)).unreadByKind).toEqual({ message: 0, bulletin: 2 });
    await bora.client.markRead(groupId, 'bulletin');
    expect(await unread(bora)).toMatchObject({ unread: 0, unreadByKind: { message: 0, bulletin: 0 } });
  });
});
