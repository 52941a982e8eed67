// The SDK against a real server: three people (admin, facilitator, member)
// and a latecomer, each a real client with a file store, from group creation
// to removal, epoch and key rotation, and reopening a store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../../../client/sdk/client';
import type { ClientEvent, MessageEvent, RosterEvent } from '../../../client/sdk/events';
import { fromB64 } from '../../../shared/crypto/encoding';
import { peekEpochEnvelope } from '../../../shared/protocol/epoch-envelope';
import { decryptMessage } from '../../../shared/protocol/message-envelope';
import { useServer } from '../../support/fixtures';
import {
  newClient,
  PASSPHRASE,
  removeTempDirs,
  reopen,
  storedEpochKeys,
  type TestClient,
  textOf,
  waitForEvent,
} from '../../support/sdk-fixtures';

const server = useServer();

let admin: TestClient;
let facilitator: TestClient;
let member: TestClient;
let groupId: string;

const texts = async (c: Client, kind?: 'message' | 'bulletin') =>
  (await c.history(groupId, kind ? { kind } : {})).map(textOf);
const isText =
  (text: string) =>
  (e: ClientEvent): e is MessageEvent =>
    textOf(e) === text;
const epochOf = async (c: Client) => (await c.groups()).find((g) => g.groupId === groupId)!.epoch;
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: { code?: string }) => e.code,
  );

beforeAll(async () => {
  [admin, facilitator, member] = await Promise.all([
    newClient(server.current.url, '관리자'),
    newClient(server.current.url, 'Facilitator'),
    newClient(server.current.url, 'Member'),
  ]);
});

afterAll(async () => {
  for (const t of [admin, facilitator, member]) await t?.client.close();
  await removeTempDirs();
});

describe('groups, invites and joining', () => {
  it('creates a group whose name and roster only the clients know', async () => {
    groupId = await admin.client.createGroup('뭉치 모임', { retentionSeconds: 30 * 24 * 3600 });
    const [view] = await admin.client.groups();
    expect(view).toMatchObject({
      groupId,
      name: '뭉치 모임',
      role: 'admin',
      epoch: 1,
      rosterValid: true,
      retentionSeconds: 30 * 24 * 3600,
    });
    expect(view!.members).toEqual([{ deviceId: admin.client.deviceId, role: 'admin', displayName: '관리자' }]);
  });

  it('creates, lists, revokes and rotates invites; labels are readable by admins only', async () => {
    const first = await admin.client.createInvite(groupId, { label: '상담소 A', maxUses: 3 });
    const second = await admin.client.createInvite(groupId, { role: 'facilitator' });
    await admin.client.revokeInvite(groupId, second.inviteId);
    let list = await admin.client.listInvites(groupId);
    expect(list.find((i) => i.inviteId === first.inviteId)).toMatchObject({
      label: '상담소 A',
      maxUses: 3,
      revoked: false,
      role: 'member',
    });
    expect(list.find((i) => i.inviteId === second.inviteId)).toMatchObject({ revoked: true, label: null });
    expect(await codeOf(facilitator.client.join(second.code))).toBe('invite_revoked');

    const rotated = await admin.client.rotateInvites(groupId, { role: 'facilitator', label: 'facilitators' });
    expect(rotated.revoked).toBe(1);
    list = await admin.client.listInvites(groupId);
    expect(list.find((i) => i.inviteId === first.inviteId)?.revoked).toBe(true);
    expect(await codeOf(member.client.join(first.code))).toBe('invite_revoked');
    expect(await codeOf(member.client.listInvites(groupId))).toBe('unknown_group');

    const memberInvite = await admin.client.createInvite(groupId);
    const f = await facilitator.client.join(rotated.code, '활동가입니다');
    const m = await member.client.join(memberInvite.code);
    expect(f.groupId).toBe(groupId);
    expect(await facilitator.client.pendingJoins()).toEqual([{ requestId: f.requestId, groupId }]);

    const requests = await admin.client.joinRequests(groupId);
    const fr = requests.find((r) => r.requestId === f.requestId)!;
    expect(fr).toMatchObject({
      deviceId: facilitator.client.deviceId,
      role: 'facilitator',
      introduction: '활동가입니다',
      introductionStatus: 'verified',
    });
    expect(requests.find((r) => r.requestId === m.requestId)).toMatchObject({
      introduction: null,
      introductionStatus: 'none',
    });
    // the admin compares this with what the newcomer's phone shows
    expect(fr.safetyNumber).toMatch(/^\d{60}$/);
  });

  it('while she waits, the newcomer sees the same safety number as the admin’s approval card', async () => {
    const card = (await admin.client.joinRequests(groupId)).find((r) => r.deviceId === facilitator.client.deviceId)!;
    const waiting = await facilitator.client.joinSafetyNumbers(groupId);
    expect(waiting.map((n) => n.adminId)).toEqual([admin.client.deviceId]);
    expect(waiting[0]!.digits).toBe(card.safetyNumber);
    // the same pair of keys as the members' safety-number screen once she is in
    expect(waiting[0]!.qr).toMatch(/^mindeulle-safety:1:/);
    // someone who never asked has nothing to compare
    expect(await member.client.joinSafetyNumbers('no-such-group')).toEqual([]);
  });

  it('rejects one request and approves others; each approval starts a new epoch', async () => {
    const stranger = await newClient(server.current.url);
    const invite = await admin.client.createInvite(groupId);
    const s = await stranger.client.join(invite.code);
    await admin.client.reject(groupId, s.requestId);
    expect(await stranger.client.pendingJoins()).toEqual([]);

    const requests = await admin.client.joinRequests(groupId);
    for (const r of requests) await admin.client.approve(groupId, r.requestId);
    expect(await epochOf(admin.client)).toBe(3);
    await Promise.all([facilitator.client.sync(), member.client.sync(), stranger.client.sync()]);
    expect(await stranger.client.groups()).toEqual([]);
    const view = (await member.client.groups())[0]!;
    expect(view).toMatchObject({ groupId, name: '뭉치 모임', role: 'member', epoch: 3, rosterValid: true });
    expect(view.members.map((x) => x.role).sort()).toEqual(['admin', 'facilitator', 'member']);
  });

  it('shows display names from encrypted profile messages', async () => {
    await admin.client.sync();
    await member.client.sync();
    const names = (await member.client.groups())[0]!.members.map((x) => x.displayName).sort();
    expect(names).toEqual(['Facilitator', 'Member', '관리자']);
  });

  it('setDisplayName sends an encrypted profile to every group', async () => {
    await member.client.setDisplayName('민지');
    expect(member.client.displayName).toBe('민지');
    await admin.client.sync(groupId);
    const me = (await admin.client.groups())[0]!.members.find((m) => m.deviceId === member.client.deviceId);
    expect(me?.displayName).toBe('민지');
  });

  it('safety numbers agree on both sides', async () => {
    const a = await admin.client.safetyNumber(groupId, member.client.deviceId);
    const b = await member.client.safetyNumber(groupId, admin.client.deviceId);
    expect(a).toEqual(b);
    expect(a.digits).toMatch(/^\d{60}$/);
  });
});

describe('chat and bulletins', () => {
  it('delivers live both ways and resolves send after the ack', async () => {
    await Promise.all([admin.client.connect(), facilitator.client.connect(), member.client.connect()]);
    const sent = await admin.client.send(groupId, '안녕하세요');
    expect(sent.seq).toBeGreaterThan(0);
    const got = await waitForEvent(member, isText('안녕하세요'));
    expect(got).toMatchObject({
      sender: admin.client.deviceId,
      senderRole: 'admin',
      kind: 'message',
      seq: sent.seq,
      messageId: sent.messageId,
    });
    expect(got.flags).toEqual({ verified: true, gap: false, replay: false, invalidRoster: false, roleRejected: false });

    await member.client.send(groupId, 'reply', { replyTo: sent.messageId });
    const reply = await waitForEvent(admin, isText('reply'));
    expect(reply.content).toMatchObject({ type: 'text', replyTo: sent.messageId });
    expect((await admin.client.groups())[0]!.unread).toBe(1);
    await admin.client.markRead(groupId);
    expect((await admin.client.groups())[0]!.unread).toBe(0);
  });

  it('posts and pins bulletins; a member may not', async () => {
    const b = await facilitator.client.postBulletin(groupId, '법률 상담 목요일 2시', { pin: true });
    await waitForEvent(member, isText('법률 상담 목요일 2시'));
    await member.client.sync(groupId);
    expect((await member.client.history(groupId, { kind: 'bulletin' })).map((e) => [textOf(e), e.pinned])).toEqual([
      ['법률 상담 목요일 2시', true],
    ]);
    await admin.client.pin(groupId, b.seq, false);
    await member.client.sync(groupId);
    expect((await member.client.history(groupId, { kind: 'bulletin' }))[0]!.pinned).toBe(false);
    expect(await codeOf(member.client.postBulletin(groupId, 'not allowed'))).toBe('role_forbidden');
    // refused before sealing: no counter spent, so her next message shows no gap
    await member.client.send(groupId, 'no gap');
    expect((await waitForEvent(admin, isText('no gap'))).flags.gap).toBe(false);
  });

  it('a role change lets a member post bulletins', async () => {
    await admin.client.setRole(groupId, member.client.deviceId, 'facilitator');
    await member.client.sync(groupId);
    await member.client.postBulletin(groupId, 'now I can');
    await facilitator.client.sync(groupId);
    const e = (await facilitator.client.history(groupId, { kind: 'bulletin' })).find((x) => textOf(x) === 'now I can')!;
    expect(e).toMatchObject({ senderRole: 'facilitator', flags: { roleRejected: false, verified: true } });
    await admin.client.setRole(groupId, member.client.deviceId, 'member');
  });

  it('settings are signed roster changes: announcement-only stops members', async () => {
    await admin.client.setSettings(groupId, { announcementOnly: true });
    await member.client.sync(groupId);
    expect((await member.client.groups())[0]!.announcementOnly).toBe(true);
    expect(await codeOf(member.client.send(groupId, 'blocked'))).toBe('announcement_only');
    await admin.client.setSettings(groupId, { announcementOnly: false });
    await member.client.sync(groupId);
    await member.client.send(groupId, 'open again');
  });
});

describe('epochs and keys', () => {
  it('rotateEpoch starts a new epoch and chat continues', async () => {
    const before = await epochOf(admin.client);
    await admin.client.rotateEpoch(groupId);
    expect(await epochOf(admin.client)).toBe(before + 1);
    await member.client.sync(groupId);
    await member.client.send(groupId, 'after rotation');
    await admin.client.sync(groupId);
    const e = (await admin.client.history(groupId)).find((x) => textOf(x) === 'after rotation')!;
    expect(e.flags.verified).toBe(true);
    expect(admin.client.states.get(groupId)!.latestEpoch).toBe(before + 1);
  });

  it('rotateDeviceKey: later epoch secrets are sealed to the new key', async () => {
    await member.client.rotateDeviceKey();
    await admin.client.rotateEpoch(groupId);
    const epoch = await epochOf(admin.client);
    const envelopes = await member.client.session.call((api) => api.envelopes(groupId, epoch - 1));
    expect(envelopes.map((e) => peekEpochEnvelope(fromB64(e.sealed)).kxVersion)).toEqual([2]);
    await member.client.sync(groupId);
    await admin.client.send(groupId, 'sealed to the new key');
    await member.client.sync(groupId);
    expect(await texts(member.client)).toContain('sealed to the new key');
  });

  it('a newcomer reads nothing from before her epoch', async () => {
    const late = await newClient(server.current.url, 'Late');
    const invite = await admin.client.createInvite(groupId);
    const { requestId } = await late.client.join(invite.code);
    // the connected admin hears of the request at once
    await waitForEvent(admin, (e): e is ClientEvent => e.type === 'join-request' && e.requestId === requestId);
    await admin.client.approve(groupId, requestId);
    await late.client.sync();
    await admin.client.send(groupId, 'hello newcomer');
    await late.client.sync();
    expect(await texts(late.client)).toEqual(['hello newcomer']);
    expect(late.events.filter((e) => e.type === 'undecryptable')).toEqual([]);
    const joinEpoch = await epochOf(admin.client);
    expect([...late.client.states.get(groupId)!.keys.keys()]).toEqual([joinEpoch]);
    // the server holds no envelope for her from before
    const envelopes = await late.client.session.call((api) => api.envelopes(groupId, 0));
    expect(envelopes.map((e) => e.epoch)).toEqual([joinEpoch]);
    await late.client.disconnect();
  });

  it('a removed member decrypts nothing sent after her removal, even from her saved state', async () => {
    const leaver = await newClient(server.current.url, 'Leaver');
    const invite = await admin.client.createInvite(groupId);
    await admin.client.approve(groupId, (await leaver.client.join(invite.code)).requestId);
    await leaver.client.sync();
    await admin.client.send(groupId, 'before removal');
    await leaver.client.sync();
    expect(await texts(leaver.client)).toContain('before removal');

    await admin.client.removeMember(groupId, leaver.client.deviceId);
    const after = await admin.client.send(groupId, 'after removal');
    await leaver.client.sync();
    const removed = leaver.events.find((e): e is RosterEvent => e.type === 'roster' && e.removedSelf);
    expect(removed).toBeDefined();
    expect(await texts(leaver.client)).not.toContain('after removal');
    expect(await leaver.client.groups()).toEqual([]);

    // her stored keys, read straight from the sealed files, do not open the new epoch's message
    const stored = (await admin.client.session.call((api) => api.messages(groupId, after.seq - 1, 1))).messages[0]!;
    const keys = await storedEpochKeys(leaver, groupId);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.epoch < stored.epoch)).toBe(true);
    for (const k of keys) {
      expect(() =>
        decryptMessage({ ...k, epoch: stored.epoch }, fromB64(stored.ciphertext), {
          group: groupId,
          epoch: stored.epoch,
          kind: 'message',
        }),
      ).toThrow();
    }

    // added again later, she reads from her new epoch on, and still not what was sent while she was out
    const again = await admin.client.createInvite(groupId);
    await admin.client.approve(groupId, (await leaver.client.join(again.code)).requestId);
    await admin.client.send(groupId, 'welcome back');
    await leaver.client.sync();
    expect((await leaver.client.groups()).map((g) => g.groupId)).toEqual([groupId]);
    const read = await texts(leaver.client);
    expect(read).toContain('welcome back');
    expect(read).toContain('before removal');
    expect(read).not.toContain('after removal');
  });
});

describe('the local store', () => {
  it('reopens from its store with the passphrase, and refuses a wrong one', async () => {
    await member.client.disconnect();
    const historyBefore = await texts(member.client);
    expect(await codeOf(reopen(member, { passphrase: 'wrong passphrase' }))).toBe('wrong_passphrase');
    const again = await reopen(member);
    expect(again.client.deviceId).toBe(member.client.deviceId);
    expect(await texts(again.client)).toEqual(historyBefore);
    await again.client.send(groupId, 'back again');
    await admin.client.sync(groupId);
    expect(await texts(admin.client)).toContain('back again');
    member = again;
    expect(PASSPHRASE.length).toBeGreaterThan(0);
  });

  it('changes the passphrase while connected: the old one then opens nothing, the new one all of it', async () => {
    await member.client.connect();
    const next = '바뀐 암호 민들레 씨앗';
    expect(await codeOf(member.client.changePassphrase('not my passphrase', next))).toBe('wrong_passphrase');
    await member.client.changePassphrase(member.options.passphrase, next);
    await admin.client.send(groupId, 'after the change');
    await member.client.sync(groupId);
    const historyBefore = await texts(member.client);
    expect(historyBefore).toContain('after the change');
    await member.client.disconnect();
    expect(await codeOf(reopen(member))).toBe('wrong_passphrase');
    const again = await reopen(member, { passphrase: next });
    expect(again.client.deviceId).toBe(member.client.deviceId);
    expect(await texts(again.client)).toEqual(historyBefore);
    await again.client.send(groupId, 'sent under the new passphrase');
    await admin.client.sync(groupId);
    expect(await texts(admin.client)).toContain('sent under the new passphrase');
    member = again;
  });

  it('keeps drafts sealed; a snapshot of the store cannot decrypt a message already read', async () => {
    await member.client.setDraft(groupId, '쓰다 만 글');
    expect(await member.client.draft(groupId)).toBe('쓰다 만 글');
    const sent = await admin.client.send(groupId, 'read once');
    await member.client.sync(groupId);
    expect(await texts(member.client)).toContain('read once');
    const stored = (await admin.client.session.call((api) => api.messages(groupId, sent.seq - 1, 1))).messages[0]!;
    const keys = (await storedEpochKeys(member, groupId)).find((k) => k.epoch === stored.epoch)!;
    const routing = { group: groupId, epoch: stored.epoch, kind: 'message' as const, messageId: stored.clientMsgId };
    expect(() => decryptMessage(keys, fromB64(stored.ciphertext), routing)).toThrow(
      expect.objectContaining({ code: 'replay' }),
    );
  });

  it('logoutEverywhere ends the sessions; the client logs in again when used', async () => {
    const oldToken = member.client.session.api.token!;
    await member.client.logoutEverywhere();
    const res = await fetch(`${server.current.url}/v1/groups`, { headers: { authorization: `Bearer ${oldToken}` } });
    expect(res.status).toBe(401);
    await member.client.sync();
    expect(member.client.session.api.token).not.toBe(oldToken);
  });
});

describe('the connection', () => {
  it('reconnects after the server crashes and restarts, and catches up; a post made meanwhile is delivered once', async () => {
    const online = () => facilitator.events.filter((e) => e.type === 'connection' && e.online).length;
    const before = online();
    await server.current.crash!();
    await server.current.restart();
    const sent = await admin.client.send(groupId, 'after the restart');
    const got = await waitForEvent(facilitator, isText('after the restart'), 20_000);
    expect(got.seq).toBe(sent.seq);
    expect(online()).toBeGreaterThan(before);
    expect(facilitator.events.filter(isText('after the restart'))).toHaveLength(1);
  });

  it('with one socket per group (the portable mode, as on Workers) chat is live both ways', async () => {
    const [a, b] = await Promise.all([
      newClient(server.current.url, 'A', { perGroupSockets: true }),
      newClient(server.current.url, 'B', { perGroupSockets: true }),
    ]);
    const g = await a.client.createGroup('per-group');
    await Promise.all([a.client.connect(), b.client.connect()]);
    const { code } = await a.client.createInvite(g);
    await a.client.approve(g, (await b.client.join(code)).requestId);
    await b.client.sync(); // a per-group socket hears of a new group only at the next sync
    const sent = await a.client.send(g, 'live per group');
    expect((await waitForEvent(b, isText('live per group'))).seq).toBe(sent.seq);
    await b.client.send(g, 'and back');
    await waitForEvent(a, isText('and back'));
    expect(b.client.transport.connected(g)).toBe(true);
  });
});
