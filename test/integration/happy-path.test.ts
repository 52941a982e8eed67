// The relay doing its job end to end: a newcomer joins with an invite code and
// an admin's approval, messages flow live over WebSockets, a device that was
// offline catches up over HTTP with no gap and no duplicate, retries are
// idempotent, and roster, key-envelope and join-request events are pushed.
import { afterEach, describe, expect, it } from 'vitest';
import { fromB64, toB64 } from '../../shared/crypto/encoding';
import { randomBytes } from '../../shared/crypto/primitives';
import { commitHash } from '../../shared/protocol/roster';
import { admit, newClientMsgId, TestDevice } from '../support/api-client';
import { makeServerGroup, useServer } from '../support/fixtures';
import { expectError, expectOk } from '../support/http';
import { TestSocket } from '../support/test-socket';
import { onWorker, socketUrl } from '../support/targets';

const server = useServer();
let sockets: TestSocket[] = [];

/** A live socket following `groupId` (all the device's groups on Node; that group's socket on Workers). */
async function connect(device: TestDevice, groupId: string): Promise<TestSocket> {
  const s = await TestSocket.connect(socketUrl(server.current, groupId), device.token);
  sockets.push(s);
  return s;
}

afterEach(async () => {
  // every frame the server sent during the test matched the wire schema
  for (const s of sockets) expect(s.invalidFrames).toEqual([]);
  await Promise.all(sockets.map((s) => s.close()));
  sockets = [];
});

describe('joining a group', () => {
  it('invite, preview, redeem, approve: the newcomer becomes a member at the next epoch', async () => {
    const admin = await TestDevice.create(server.current);
    const newcomer = await TestDevice.create(server.current);
    const groupId = await admin.createGroup();
    const adminSocket = await connect(admin, groupId);
    expect(adminSocket.ready).toMatchObject({ deviceId: admin.id, groups: [groupId] });

    const created = expectOk(await admin.createInvite(groupId, { role: 'member', maxUses: 1 }), 201);
    expect(created.code).toEqual(expect.any(String));
    expect(created.invite).toMatchObject({
      groupId,
      role: 'member',
      maxUses: 1,
      uses: 0,
      revoked: false,
      creator: admin.id,
    });

    const preview = expectOk(await newcomer.preview(created.code));
    expect(preview).toMatchObject({ groupId, inviteId: created.invite.inviteId, role: 'member' });
    expect(preview.admins).toEqual([admin.pub]);

    const introduction = toB64(randomBytes(48));
    const request = expectOk(await newcomer.redeem(created.code, introduction), 201);
    expect(request).toMatchObject({ groupId, inviteId: created.invite.inviteId, role: 'member' });

    const pushed = await adminSocket.nextOf('join-request', (f) => f.request.requestId === request.requestId);
    expect(pushed.groupId).toBe(groupId);
    expect(pushed.request).toMatchObject({ device: newcomer.pub, introduction, role: 'member' });

    const mine = expectOk(await newcomer.req('GET', '/v1/join-requests')).requests;
    expect(mine).toEqual([expect.objectContaining({ requestId: request.requestId, groupId, role: 'member' })]);
    const { requests } = expectOk(await admin.listJoinRequests(groupId));
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ requestId: request.requestId, device: newcomer.pub, introduction });

    const commit = admin.admitCommit(groupId, requests[0]!.device, 'member');
    const result = expectOk(await admin.approveWith(groupId, request.requestId, commit));
    expect(result).toEqual({ groupId, seq: 1, head: commitHash(commit), epoch: 2 });

    const rosterFrame = await adminSocket.nextOf('roster', (f) => f.groupId === groupId);
    expect(rosterFrame).toMatchObject({ seq: 1, commit });

    const state = await newcomer.syncRoster(groupId);
    expect([...state.members.keys()].sort()).toEqual([admin.id, newcomer.id].sort());
    expect(state.members.get(newcomer.id)?.role).toBe('member');
    const { groups } = expectOk(await newcomer.req('GET', '/v1/groups'));
    expect(groups).toEqual([expect.objectContaining({ groupId, role: 'member', epoch: 2, rosterSeq: 1 })]);
    expect(expectOk(await newcomer.req('GET', '/v1/join-requests')).requests).toEqual([]);
    expect(expectOk(await admin.listJoinRequests(groupId)).requests).toEqual([]);
    expect(expectOk(await admin.listInvites(groupId)).invites[0]).toMatchObject({ uses: 1 });
    expect((await connect(newcomer, groupId)).ready?.groups).toEqual([groupId]);
  });

  it('a rejected request disappears and gives no membership', async () => {
    const admin = await TestDevice.create(server.current);
    const newcomer = await TestDevice.create(server.current);
    const groupId = await admin.createGroup();
    const { code } = expectOk(await admin.createInvite(groupId), 201);
    const { requestId } = expectOk(await newcomer.redeem(code), 201);
    expect(expectOk(await admin.req('POST', `/v1/groups/${groupId}/join-requests/${requestId}/reject`))).toEqual({
      ok: true,
    });
    expect(expectOk(await admin.listJoinRequests(groupId)).requests).toEqual([]);
    expect(expectOk(await newcomer.req('GET', '/v1/join-requests')).requests).toEqual([]);
    expectError(await newcomer.listMessages(groupId), 403, 'not_member');
  });

  // Workers: a socket is per group, opened once a member (test/worker covers it).
  it.skipIf(onWorker)('a socket open while waiting for approval starts receiving the group once approved', async () => {
    const admin = await TestDevice.create(server.current);
    const newcomer = await TestDevice.create(server.current);
    const groupId = await admin.createGroup();
    const waiting = await connect(newcomer, groupId);
    expect(waiting.ready?.groups).toEqual([]);
    await admit(admin, newcomer, groupId);
    await waiting.nextOf('roster', (f) => f.groupId === groupId && f.seq === 1);
    const { seq } = expectOk(await admin.post(groupId), 201);
    await waiting.nextOf('message', (f) => f.groupId === groupId && f.message.seq === seq);
  });
});

describe('messages', () => {
  it('are delivered live, and after being offline caught up over HTTP with no gap and no duplicate', async () => {
    const { admin, members, groupId } = await makeServerGroup(server.current);
    const member = members[0]!;
    const posted = new Map<number, string>();
    const seen = new Map<number, string>();
    const postOne = async () => {
      const ciphertext = randomBytes(256);
      const res = expectOk(await admin.post(groupId, { ciphertext }), 201);
      expect(res).toEqual({ groupId, seq: expect.any(Number), duplicate: false });
      posted.set(res.seq, toB64(ciphertext));
      return res.seq as number;
    };

    let live = await connect(member, groupId);
    for (let i = 0; i < 3; i++) {
      const seq = await postOne();
      const frame = await live.nextOf('message', (f) => f.message.seq === seq);
      expect(frame.groupId).toBe(groupId);
      expect(frame.message).toMatchObject({
        seq,
        kind: 'message',
        epoch: 2,
        ciphertext: posted.get(seq),
        pinned: false,
      });
      seen.set(seq, frame.message.ciphertext);
    }
    await live.close();
    for (let i = 0; i < 5; i++) await postOne(); // missed while offline

    live = await connect(member, groupId);
    const afterReconnect = await postOne();
    seen.set(
      afterReconnect,
      (await live.nextOf('message', (f) => f.message.seq === afterReconnect)).message.ciphertext,
    );

    // catch up from the last sequence seen before going offline, two per page
    let after = Math.max(...[...seen.keys()].filter((s) => s < afterReconnect));
    const caughtUp: number[] = [];
    for (let page = 0; page < 10; page++) {
      const body = expectOk(await member.listMessages(groupId, after, 2));
      for (const m of body.messages) {
        caughtUp.push(m.seq);
        expect(m.ciphertext).toBe(posted.get(m.seq));
        seen.set(m.seq, m.ciphertext);
      }
      if (!body.hasMore) break;
      expect(body.messages).toHaveLength(2);
      after = body.messages[body.messages.length - 1].seq;
    }
    const all = [...posted.keys()].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 9 }, (_, i) => all[0]! + i)); // contiguous per group
    expect(caughtUp).toEqual(all.slice(3)); // no gap, no duplicate, in order
    expect(new Map([...seen].sort((a, b) => a[0] - b[0]))).toEqual(new Map([...posted].sort((a, b) => a[0] - b[0])));
    // the socket did not deliver the live message twice
    expect(await live.collect((f) => f.type === 'message', 300)).toEqual([]);
  });

  it('a WebSocket post is acked with its sequence, fanned out once, and a retry is a duplicate', async () => {
    const { admin, members, groupId } = await makeServerGroup(server.current);
    const member = members[0]!;
    const memberSocket = await connect(member, groupId);
    const adminSocket = await connect(admin, groupId);
    const body = { groupId, ...(await member.postBody(groupId)) };

    const ack = await memberSocket.post(body);
    expect(ack).toMatchObject({ type: 'ack', groupId, seq: expect.any(Number), duplicate: false });
    const seq = (ack as { seq: number }).seq;
    // acked means stored: it is readable over HTTP at once
    const stored = expectOk(await admin.listMessages(groupId)).messages;
    expect(stored).toEqual([
      expect.objectContaining({ seq, clientMsgId: body.clientMsgId, ciphertext: body.ciphertext }),
    ]);
    expect((await adminSocket.nextOf('message', (f) => f.message.seq === seq)).message.ciphertext).toBe(
      body.ciphertext,
    );

    expect(await memberSocket.post(body)).toMatchObject({ type: 'ack', groupId, seq, duplicate: true });
    expect(await adminSocket.collect((f) => f.type === 'message', 300)).toEqual([]);
    expect(expectOk(await admin.listMessages(groupId)).messages).toHaveLength(1);
  });

  it('a WebSocket post with a bad body gets an error frame with its ref and is not stored', async () => {
    const { admin, groupId } = await makeServerGroup(server.current, []);
    const socket = await connect(admin, groupId);
    const body = { groupId, ...(await admin.postBody(groupId)), ciphertext: toB64(new Uint8Array(100)) };
    socket.send({ type: 'post', ref: 'bad-1', ...body });
    // the ref comes back so that a client can fail that one outbox entry
    expect(await socket.nextOf('error')).toMatchObject({ ref: 'bad-1', code: 'validation_failed' });
    expect(expectOk(await admin.listMessages(groupId)).messages).toEqual([]);
  });

  // Workers: a group's socket refuses a non-member at auth (test/worker covers it).
  it.skipIf(onWorker)('a WebSocket post to a group the device is not in gets not_member with its ref', async () => {
    const { groupId } = await makeServerGroup(server.current, []);
    const outsider = await TestDevice.create(server.current);
    const socket = await connect(outsider, groupId);
    const reply = await socket.post({ groupId, ...(await outsider.postBody(groupId, { epoch: 1 })) });
    expect(reply).toMatchObject({ type: 'error', code: 'not_member' });
  });

  it('an HTTP retry with the same clientMsgId returns the same sequence', async () => {
    const { admin, members, groupId } = await makeServerGroup(server.current);
    const body = await members[0]!.postBody(groupId);
    const first = expectOk(await members[0]!.req('POST', `/v1/groups/${groupId}/messages`, body), 201);
    const retry = expectOk(await members[0]!.req('POST', `/v1/groups/${groupId}/messages`, body), 200);
    expect(retry).toEqual({ groupId, seq: first.seq, duplicate: true });
    const other = expectOk(await members[0]!.post(groupId, { clientMsgId: newClientMsgId() }), 201);
    expect(other.seq).toBe(first.seq + 1);
    expect(expectOk(await admin.listMessages(groupId)).messages.map((m: { seq: number }) => m.seq)).toEqual([
      first.seq,
      other.seq,
    ]);
  });

  it('stores the exact envelope bytes of every bucket size', async () => {
    const { admin, groupId } = await makeServerGroup(server.current, []);
    for (const size of [256, 4096, 65536]) {
      const ciphertext = randomBytes(size);
      const { seq } = expectOk(await admin.post(groupId, { ciphertext }), 201);
      const [m] = expectOk(await admin.listMessages(groupId, seq - 1, 1)).messages;
      expect(fromB64(m.ciphertext)).toEqual(ciphertext);
    }
  });
});

describe('bulletins and events', () => {
  it('facilitators post bulletins; pinned ones are listed and can be unpinned', async () => {
    const { admin, members, groupId } = await makeServerGroup(server.current, ['facilitator', 'member']);
    const [facilitator, member] = members as [TestDevice, TestDevice];
    const pinned = expectOk(await facilitator.post(groupId, { kind: 'bulletin', pinned: true }), 201);
    const plain = expectOk(await admin.post(groupId, { kind: 'bulletin' }), 201);
    const chat = expectOk(await member.post(groupId), 201);
    const pinnedSeqs = async () =>
      expectOk(await member.req('GET', `/v1/groups/${groupId}/bulletins/pinned`)).messages.map(
        (m: { seq: number }) => m.seq,
      );
    expect(await pinnedSeqs()).toEqual([pinned.seq]);

    expectOk(await facilitator.req('PUT', `/v1/groups/${groupId}/messages/${plain.seq}/pin`, { pinned: true }));
    expectOk(await admin.req('PUT', `/v1/groups/${groupId}/messages/${pinned.seq}/pin`, { pinned: false }));
    expect(await pinnedSeqs()).toEqual([plain.seq]);
    expectError(
      await admin.req('PUT', `/v1/groups/${groupId}/messages/${chat.seq}/pin`, { pinned: true }),
      400,
      'not_bulletin',
    );
    expectError(
      await member.req('PUT', `/v1/groups/${groupId}/messages/${plain.seq}/pin`, { pinned: false }),
      403,
      'role_forbidden',
    );
    expect(await pinnedSeqs()).toEqual([plain.seq]);
  });

  it('key envelopes are pushed to their recipient and listed only to her', async () => {
    const { admin, members, groupId } = await makeServerGroup(server.current);
    const member = members[0]!;
    const memberSocket = await connect(member, groupId);
    const mineSealed = toB64(randomBytes(80));
    const adminSealed = toB64(randomBytes(80));
    const envelopes = [
      { recipient: member.id, sealed: mineSealed },
      { recipient: admin.id, sealed: adminSealed },
    ];
    expect(expectOk(await admin.req('POST', `/v1/groups/${groupId}/key-envelopes`, { epoch: 2, envelopes }))).toEqual({
      stored: 2,
    });
    expect(await memberSocket.nextOf('key-envelope')).toMatchObject({ groupId, epoch: 2, sealed: mineSealed });
    expect(await memberSocket.collect((f) => f.type === 'key-envelope', 300)).toEqual([]);
    const list = expectOk(await member.req('GET', `/v1/groups/${groupId}/key-envelopes?afterEpoch=0`)).envelopes;
    expect(list).toEqual([{ groupId, epoch: 2, sealed: mineSealed }]);
    expect(expectOk(await member.req('GET', `/v1/groups/${groupId}/key-envelopes?afterEpoch=2`)).envelopes).toEqual([]);
  });

  it('join requests are pushed to admins only', async () => {
    const { admin, members, groupId } = await makeServerGroup(server.current);
    const adminSocket = await connect(admin, groupId);
    const memberSocket = await connect(members[0]!, groupId);
    const { code } = expectOk(await admin.createInvite(groupId), 201);
    const newcomer = await TestDevice.create(server.current);
    const { requestId } = expectOk(await newcomer.redeem(code), 201);
    await adminSocket.nextOf('join-request', (f) => f.request.requestId === requestId);
    expect(await memberSocket.collect((f) => f.type === 'join-request', 300)).toEqual([]);
  });

  it('roster commits are pushed to every member', async () => {
    const { admin, members, groupId } = await makeServerGroup(server.current, ['member', 'member']);
    const socket = await connect(members[0]!, groupId);
    const res = expectOk(await admin.removeMember(groupId, members[1]!.id));
    const frame = await socket.nextOf('roster', (f) => f.seq === res.seq);
    expect(frame.commit).toEqual(admin.lastCommits.get(groupId));
  });
});

describe('the WebSocket handshake', () => {
  it('answers ping with pong', async () => {
    const { admin: d, groupId } = await makeServerGroup(server.current, []);
    const s = await connect(d, groupId);
    s.send({ type: 'ping' });
    await s.nextOf('pong');
  });

  it.each([
    ['a bad first frame', { type: 'ping' }],
    ['an unknown token', { type: 'auth', token: 'bm90LWEtdG9rZW4' }],
    ['non-JSON', 'hello'],
  ])('closes with 4001 on %s', async (_name, frame) => {
    const s = await TestSocket.open(socketUrl(server.current));
    sockets.push(s);
    s.send(frame);
    expect((await s.closed).code).toBe(4001);
    expect(s.frames.filter((f) => f.type === 'ready')).toEqual([]);
  });
});

// Last: it kills and restarts this file's server.
describe('durability', () => {
  it('messages acknowledged before a crash (SIGKILL) are all there after a restart', async (ctx) => {
    if (!server.current.crash) return ctx.skip();
    const { admin, members, groupId } = await makeServerGroup(server.current);
    const socket = await connect(members[0]!, groupId);
    const acked = new Map<number, string>();
    const bodies = await Promise.all(Array.from({ length: 20 }, () => members[0]!.postBody(groupId)));
    const acks = await Promise.all(bodies.map((b) => socket.post({ groupId, ...b })));
    acks.forEach((ack, i) => {
      expect(ack.type).toBe('ack');
      acked.set((ack as { seq: number }).seq, bodies[i]!.ciphertext);
    });
    const http = expectOk(await admin.post(groupId), 201);
    await server.current.crash!();
    await server.current.restart();
    const { messages } = expectOk(await admin.listMessages(groupId));
    for (const [seq, ciphertext] of acked)
      expect(messages.find((m: { seq: number }) => m.seq === seq)?.ciphertext).toBe(ciphertext);
    expect(messages.map((m: { seq: number }) => m.seq)).toContain(http.seq);
    // the sequence continues after the restart
    expect(expectOk(await admin.post(groupId), 201).seq).toBe(Math.max(http.seq, ...acked.keys()) + 1);
  });
});
