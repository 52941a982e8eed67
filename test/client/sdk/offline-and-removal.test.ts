// What a person keeps when the relay is out of reach or an admin removes her:
// messages written offline wait unsealed on the device and can be cancelled
// (a cancelled one never leaves, and spends no counter, so nobody sees a
// gap); a removed member keeps the group read-only with what she read; the
// others keep her name on her earlier messages. Real relay, real clients;
// "offline" is one client's network switched off while the relay runs on.
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientEvent, MessageEvent } from '../../../client/sdk/events';
import type { WebSocketLike } from '../../../client/sdk/live-socket';
import { FileStore } from '../../../client/node/file-store';
import { SealedStore } from '../../../client/sdk/sealed-store';
import { useServer } from '../../support/fixtures';
import { newClient, removeTempDirs, reopen, type TestClient, textOf, waitForEvent } from '../../support/sdk-fixtures';

const server = useServer();

/** One device's network: when off, its sockets drop and every request fails as a phone without signal does. */
function network() {
  let off = false;
  const open = new Set<WebSocket>();
  return {
    openSocket: (url: string) => {
      const ws = new WebSocket(off ? 'ws://127.0.0.1:9/' : url);
      ws.on('error', () => {});
      open.add(ws);
      ws.on('close', () => open.delete(ws));
      return ws as unknown as WebSocketLike;
    },
    fetch: (input: string, init?: RequestInit) =>
      off ? Promise.reject(new TypeError('network is down')) : fetch(input, init),
    setOffline(value: boolean) {
      off = value;
      if (value) for (const ws of open) ws.terminate();
    },
  };
}

const isText =
  (text: string) =>
  (e: ClientEvent): e is MessageEvent =>
    textOf(e) === text;
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: { code?: string }) => e.code,
  );
const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
};

let admin: TestClient;
let member: TestClient;
let groupId: string;
const net = network();

beforeAll(async () => {
  admin = await newClient(server.current.url, '관리자', { perGroupSockets: true });
  member = await newClient(server.current.url, '수아', {
    perGroupSockets: true,
    openSocket: net.openSocket,
    fetch: net.fetch,
  });
  groupId = await admin.client.createGroup('모임');
  const { code } = await admin.client.createInvite(groupId);
  await admin.client.approve(groupId, (await member.client.join(code)).requestId);
  await member.client.sync();
  await Promise.all([admin.client.connect(), member.client.connect()]);
});

afterAll(async () => {
  await removeTempDirs();
});

describe('messages written offline', () => {
  it('online, send names the id it sealed a message under before the message comes back, so an app draws it once', async () => {
    const order: string[] = [];
    const stop = member.client.subscribe((e) => {
      if (e.type === 'message' && e.sender === member.client.deviceId && textOf(e) === 'named early')
        order.push(`read ${e.messageId}`);
    });
    const sent = await member.client.send(groupId, 'named early', { onSealed: (id) => order.push(`sealed ${id}`) });
    await until(() => order.length === 2);
    stop();
    expect(order).toEqual([`sealed ${sent.messageId}`, `read ${sent.messageId}`]);
  });

  it('are held unsealed and listed as cancellable; the group and its history still read from the device', async () => {
    await member.client.send(groupId, 'online first');
    await waitForEvent(admin, isText('online first'));
    net.setOffline(true);
    await until(() => !member.client.online);
    expect(member.events.some((e) => e.type === 'connection' && !e.online)).toBe(true);
    expect((await member.client.groups()).map((g) => g.groupId)).toEqual([groupId]);
    expect((await member.client.history(groupId)).map(textOf)).toContain('online first');
  });

  it('a cancelled message is never sent, even after reconnecting, and the others see no gap', async () => {
    const ids: string[] = [];
    const kept = member.client.send(groupId, 'kept', { onHeld: (id) => ids.push(id) });
    const cancelled = member.client.send(groupId, 'cancelled', { onHeld: (id) => ids.push(id) });
    await until(() => ids.length === 2);
    const [keptId, cancelledId] = ids as [string, string];
    expect(await member.client.queued(groupId)).toEqual([
      expect.objectContaining({ messageId: keptId, text: 'kept', kind: 'message', cancellable: true }),
      expect.objectContaining({ messageId: cancelledId, text: 'cancelled', cancellable: true }),
    ]);

    expect(await member.client.cancelQueued(groupId, cancelledId)).toBe(true);
    expect(await codeOf(cancelled)).toBe('cancelled');
    expect(await member.client.cancelQueued(groupId, cancelledId)).toBe(false);
    expect((await member.client.queued(groupId)).map((q) => q.text)).toEqual(['kept']);

    net.setOffline(false);
    const sent = await kept;
    expect(sent.messageId).toBe(keptId); // sealed under the id it was held with
    await waitForEvent(admin, isText('kept'));
    expect(member.client.online).toBe(true);
    expect(await member.client.queued(groupId)).toEqual([]);
    expect(await member.client.cancelQueued(groupId, keptId)).toBe(false); // stored: nothing to withdraw

    await member.client.send(groupId, 'after');
    const after = await waitForEvent(admin, isText('after'));
    expect(after.flags.gap).toBe(false); // the cancelled one spent no counter
    await admin.client.sync(groupId);
    expect((await admin.client.groups())[0]!.openGaps).toEqual([]);
    expect(admin.events.some(isText('cancelled'))).toBe(false);
    const stored = await admin.client.session.call((api) => api.messages(groupId, 0, 200));
    expect(stored.messages.some((m) => m.clientMsgId === cancelledId)).toBe(false);
  });

  it('a held message waits in the sealed store across a restart, and leaves once the socket is up', async () => {
    net.setOffline(true);
    await until(() => !member.client.online);
    const ids: string[] = [];
    void member.client.send(groupId, 'across a restart', { onHeld: (id) => ids.push(id) }).catch(() => {});
    await until(() => ids.length === 1);
    const store = await SealedStore.open(new FileStore(member.dir), member.options.passphrase);
    expect(await store.read<{ messageId: string }[]>('held')).toEqual([expect.objectContaining({ messageId: ids[0] })]);
    store.close();
    member = await reopen(member); // a restart, still offline
    expect((await member.client.queued(groupId)).map((q) => [q.text, q.cancellable])).toEqual([
      ['across a restart', true],
    ]);
    net.setOffline(false);
    await member.client.connect();
    await waitForEvent(admin, isText('across a restart'));
    await until(async () => (await member.client.queued(groupId)).length === 0);
  });
});

describe('a removed member', () => {
  it('removed while offline, she learns it once back (her socket is refused), and what she held is never sent', async () => {
    await admin.client.send(groupId, 'before her removal');
    await member.client.sync(groupId);
    net.setOffline(true);
    await until(() => !member.client.online);
    const held: string[] = [];
    const refused = codeOf(member.client.send(groupId, 'written while removed', { onHeld: (id) => held.push(id) }));
    await until(() => held.length === 1);
    await admin.client.removeMember(groupId, member.client.deviceId);
    await admin.client.send(groupId, 'after her removal');

    net.setOffline(false);
    member.client.reconnect();
    expect(await refused).toBe('removed');
    expect((await member.client.groups({ includeRemoved: true }))[0]).toMatchObject({ groupId, removed: true });
    expect(await member.client.queued(groupId)).toEqual([]);
    const stored = await admin.client.session.call((api) => api.messages(groupId, 0, 200));
    expect(stored.messages.some((m) => m.clientMsgId === held[0])).toBe(false);
  });

  it('keeps the group read-only with what she read, until she removes it from her device', async () => {
    await member.client.sync();

    expect(await member.client.groups()).toEqual([]); // the default list: groups she is in
    const [kept] = await member.client.groups({ includeRemoved: true });
    expect(kept).toMatchObject({ groupId, removed: true, name: '모임' });
    const read = (await member.client.history(groupId)).map(textOf);
    expect(read).toEqual(expect.arrayContaining(['online first', 'kept', 'before her removal']));
    expect(read).not.toContain('after her removal');
    expect(await codeOf(member.client.send(groupId, 'no longer'))).toBe('removed');

    await member.client.forgetGroup(groupId);
    expect(await member.client.groups({ includeRemoved: true })).toEqual([]);
    const store = await SealedStore.open(new FileStore(member.dir), member.options.passphrase);
    expect(await store.read(`history/${groupId}`)).toBeUndefined();
    expect(await store.read(`group/${groupId}`)).toBeUndefined();
    store.close();
  });

  it('the others still see her name on her earlier messages', async () => {
    const view = (await admin.client.groups())[0]!;
    expect(view.members.map((m) => m.deviceId)).not.toContain(member.client.deviceId);
    expect(view.formerMembers).toEqual([{ deviceId: member.client.deviceId, role: 'member', displayName: '수아' }]);
    const hers = (await admin.client.history(groupId)).filter((e) => e.sender === member.client.deviceId);
    expect(hers.map(textOf)).toContain('kept');
  });

  it('a group she left herself is not kept as a removed one', async () => {
    const leaver = await newClient(server.current.url, 'Leaver');
    const { code } = await admin.client.createInvite(groupId);
    await admin.client.approve(groupId, (await leaver.client.join(code)).requestId);
    await leaver.client.sync();
    await leaver.client.leaveGroup(groupId);
    expect(await leaver.client.groups({ includeRemoved: true })).toEqual([]);
    await admin.client.sync(groupId);
    expect((await admin.client.groups())[0]!.formerMembers.map((m) => m.displayName)).toEqual(
      expect.arrayContaining(['수아', 'Leaver']),
    );
  });
});
