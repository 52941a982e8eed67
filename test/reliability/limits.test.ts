// Every limit that keeps one device, one leaked code or one bad peer from
// exhausting the relay, tested at small configured values: body and frame size,
// messages per second per device, sockets per device and in total, failed
// invite redemptions across the server, pending join requests per invite, and
// a peer that never reads (cut off while the server's memory stays bounded).
// The default body limit is in test/integration/http-surface.test.ts,
// redemptions per device in test/integration/authorization.test.ts.
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toB64 } from '../../shared/crypto/encoding';
import { randomBytes } from '../../shared/crypto/primitives';
import { cryptoReady } from '../../shared/crypto/sodium';
import { generateInviteCode } from '../../shared/protocol/invite-code';
import { MAX_FRAME_BYTES, WS_CLOSE } from '../../shared/schemas/ws';
import { TestDevice } from '../support/api-client';
import { makeServerGroup } from '../support/fixtures';
import { type ApiResponse, expectError, expectOk, requestOnFreshConnection } from '../support/http';
import { TestSocket } from '../support/test-socket';
import { rssBytes } from '../support/proc';
import { type ServerProcess, startServer } from '../support/server-process';

const LIMITS = {
  MAX_BODY_BYTES: '4096',
  MESSAGES_PER_SECOND: '5',
  MAX_SOCKETS_PER_DEVICE: '3',
  MAX_SOCKETS: '8',
  INVITE_FAILURES_PER_MINUTE: '4',
  MAX_JOIN_REQUESTS_PER_INVITE: '3',
  WS_MAX_BUFFERED_BYTES: String(256 * 1024),
};

let server: ServerProcess;
let open: TestSocket[] = [];

beforeAll(async () => {
  await cryptoReady();
  server = await startServer({ env: LIMITS });
});

afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await server?.destroy();
});

async function connect(device: TestDevice): Promise<TestSocket> {
  const s = await TestSocket.connect(server.wsUrl, device.token);
  open.push(s);
  return s;
}

async function closeAll(): Promise<void> {
  await Promise.all(open.map((s) => s.close()));
  open = [];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('request bodies', () => {
  it('MAX_BODY_BYTES is the configured ceiling: one byte over gets 413 and stores nothing', async () => {
    const { admin, groupId } = await makeServerGroup(server, []);
    const body = await admin.postBody(groupId);
    const sized = (n: number) => {
      const text = JSON.stringify({ ...body, pad: '' });
      return text.replace('"pad":""', `"pad":"${'x'.repeat(n - text.length)}"`);
    };
    const headers = { authorization: `Bearer ${admin.token}` };
    const path = `/v1/groups/${groupId}/messages`;
    expectError(
      await requestOnFreshConnection(server.url, 'POST', path, sized(4097), headers),
      413,
      'payload_too_large',
    );
    expect(expectOk(await admin.listMessages(groupId)).messages).toEqual([]);
    expectOk(await requestOnFreshConnection(server.url, 'POST', path, sized(4096), headers), 201);
  });
});

describe('WebSocket frames', () => {
  it(`a frame over ${MAX_FRAME_BYTES} bytes closes the socket with 1009 and stores nothing`, async () => {
    const { admin, groupId } = await makeServerGroup(server, []);
    const socket = await connect(admin);
    const body = await admin.postBody(groupId);
    socket.send({ type: 'post', ref: 'big', groupId, ...body, padding: 'x'.repeat(MAX_FRAME_BYTES) });
    expect((await socket.closed).code).toBe(WS_CLOSE.frameTooLarge);
    expect(expectOk(await admin.listMessages(groupId)).messages).toEqual([]);
    await closeAll();
  });
});

describe('messages per second per device', () => {
  it('a burst beyond the limit gets rate_limited over HTTP and WebSocket; refused posts are not stored; others are unaffected', async () => {
    const { admin, members, groupId } = await makeServerGroup(server, ['member']);
    const member = members[0]!;
    const results = await Promise.all(Array.from({ length: 15 }, () => member.post(groupId)));
    const stored = results.filter((r) => r.status === 201).length;
    const refused = results.filter((r) => r.status === 429);
    for (const r of refused) expectError(r, 429, 'rate_limited');
    // a fixed one-second window: a burst can straddle two windows, never more
    expect(stored).toBeLessThanOrEqual(10);
    expect(refused.length).toBe(15 - stored);
    const socket = await connect(member);
    const replies = await Promise.all(
      Array.from({ length: 12 }, async () => socket.post({ groupId, ...(await member.postBody(groupId)) })),
    );
    const acked = replies.filter((r) => r.type === 'ack').length;
    expect(replies.filter((r) => r.type === 'error').map((r) => (r as { code: string }).code)).toEqual(
      Array(12 - acked).fill('rate_limited'),
    );
    expect(acked).toBeLessThanOrEqual(10);
    expectOk(await admin.post(groupId), 201); // another device has its own budget
    await sleep(1100);
    expect(expectOk(await admin.listMessages(groupId, 0, 100)).messages).toHaveLength(stored + acked + 1);
    expectOk(await member.post(groupId), 201); // the next window
    await closeAll();
  });
});

describe('sockets', () => {
  it('a device gets at most MAX_SOCKETS_PER_DEVICE sockets (4003), and a slot frees when one closes', async () => {
    const device = await TestDevice.create(server);
    const three = [await connect(device), await connect(device), await connect(device)];
    const fourth = await TestSocket.open(server.wsUrl);
    fourth.send({ type: 'auth', token: device.token });
    expect(await fourth.closed).toEqual({
      code: WS_CLOSE.tooManyConnections,
      reason: 'too many connections for this device',
    });
    await connect(await TestDevice.create(server)); // another device is not affected
    await three[0]!.close();
    await sleep(50);
    expect((await connect(device)).ready?.deviceId).toBe(device.id);
    await closeAll();
  });

  it('at most MAX_SOCKETS sockets in total: the next upgrade is refused with 503 until one closes', async () => {
    await sleep(100);
    const sockets = await Promise.all(Array.from({ length: 8 }, () => TestSocket.open(server.wsUrl)));
    open.push(...sockets);
    await expect(TestSocket.open(server.wsUrl)).rejects.toThrow(/503/);
    await sockets[0]!.close();
    await sleep(50);
    open.push(await TestSocket.open(server.wsUrl));
    await closeAll();
  });

  it('a peer that never reads is cut off, and the server does not buffer for it', { timeout: 60_000 }, async () => {
    // its own server: the flood must not be slowed by the rate limit above
    const fast = await startServer({
      env: { WS_MAX_BUFFERED_BYTES: LIMITS.WS_MAX_BUFFERED_BYTES, MESSAGES_PER_SECOND: '100000' },
    });
    try {
      const { admin, members, groupId } = await makeServerGroup(fast, ['member']);
      // node:crypto: libsodium's randombytes_buf takes ~160 ms for 64 KiB
      const flood = async (n: number) => {
        for (let i = 0; i < n; i++) expectOk(await admin.post(groupId, { ciphertext: nodeRandomBytes(65536) }), 201);
      };
      const posts = 300;
      const floodBytes = posts * Math.ceil((65536 * 4) / 3);
      const grownDuring = async (flooded: Promise<void>) => {
        const before = rssBytes(fast.pid!);
        await flooded;
        return rssBytes(fast.pid!) - before;
      };
      // control: the same flood with a peer that reads (the heap's own churn)
      const reader = await TestSocket.connect(fast.wsUrl, members[0]!.token);
      await flood(30);
      const churn = await grownDuring(flood(posts));
      await reader.close();

      const stalled = await TestSocket.connect(fast.wsUrl, members[0]!.token);
      const tcp = (stalled.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      tcp.pause();
      const grown = await grownDuring(flood(posts));
      tcp.resume();
      const closed = await stalled.closed;
      expect([WS_CLOSE.slowConsumer, 1006]).toContain(closed.code);
      const delivered = stalled.frames.filter((f) => f.type === 'message').length;
      expect(delivered, 'the stalled peer got only what fit before the cut-off').toBeLessThan(posts / 2);
      // had the server kept the flood for the stalled peer, RSS would grow by about floodBytes more
      const summary = `RSS +${(grown / 1e6).toFixed(1)} MB stalled vs +${(churn / 1e6).toFixed(1)} MB reading, for a ${(floodBytes / 1e6).toFixed(1)} MB flood`;
      expect(grown - churn, summary).toBeLessThan(floodBytes / 2);
      console.info(`slow consumer: cut off (${closed.code}) after ${delivered}/${posts} frames; ${summary}`);
    } finally {
      await fast.destroy();
    }
  });
});

describe('invite codes and join requests', () => {
  it('failed redemptions across the server are capped (brute force from many devices), while a real code still works', async () => {
    const { admin, groupId } = await makeServerGroup(server, []);
    const guessers = await Promise.all(Array.from({ length: 3 }, () => TestDevice.create(server)));
    const answers: ApiResponse[] = [];
    for (const g of guessers) for (let i = 0; i < 2; i++) answers.push(await g.redeem(generateInviteCode()));
    expect(answers.slice(0, 4).map((r) => r.body.error.code)).toEqual(Array(4).fill('invite_not_found'));
    for (const r of answers.slice(4)) expectError(r, 429, 'rate_limited');
    const { code } = expectOk(await admin.createInvite(groupId), 201);
    expectOk(await (await TestDevice.create(server)).redeem(code), 201);
  });

  it('pending join requests per invite are capped (join_request_limit); deciding one frees a place', async () => {
    const { admin, groupId } = await makeServerGroup(server, []);
    const { code } = expectOk(await admin.createInvite(groupId, { maxUses: 10 }), 201);
    for (let i = 0; i < 3; i++)
      expectOk(await (await TestDevice.create(server)).redeem(code, toB64(randomBytes(16))), 201);
    const late = await TestDevice.create(server);
    expectError(await late.redeem(code), 429, 'join_request_limit');
    expect(expectOk(await late.req('GET', '/v1/join-requests')).requests).toEqual([]);
    const { requests } = expectOk(await admin.listJoinRequests(groupId));
    expect(requests).toHaveLength(3);
    expect(expectOk(await admin.listInvites(groupId)).invites[0].uses).toBe(3);
    expectOk(await admin.req('POST', `/v1/groups/${groupId}/join-requests/${requests[0]!.requestId}/reject`));
    expectOk(await late.redeem(code), 201);
  });
});
