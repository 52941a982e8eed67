// SIGTERM (server/node.ts): the server stops accepting connections, finishes
// what it has received (a request whose body is still arriving, WebSocket
// posts already read), acks it, closes every socket with 1001 and a reason,
// and exits 0 within a few seconds. Nothing is stored without its ack.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cryptoReady } from '../../shared/crypto/sodium';
import { WS_CLOSE } from '../../shared/schemas/ws';
import type { TestDevice } from '../support/api-client';
import { makeServerGroup } from '../support/fixtures';
import { expectOk } from '../support/http';
import { TestSocket } from '../support/test-socket';
import { type ServerProcess, startServer } from '../support/server-process';

let server: ServerProcess;
let admin: TestDevice;
let member: TestDevice;
let groupId: string;

beforeAll(async () => {
  await cryptoReady();
  server = await startServer({ env: { MESSAGES_PER_SECOND: '100000' } });
  const group = await makeServerGroup(server, ['member']);
  ({ admin, groupId } = group);
  member = group.members[0]!;
});

afterAll(async () => {
  await server?.destroy();
});

/** A POST whose body is sent in two halves: the first now, the rest when `finish` is called. */
function slowPost(path: string, token: string, body: string) {
  let finish!: () => void;
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(`${server.url}${path}`, {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        authorization: `Bearer ${token}`,
      },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half));
    finish = () => req.end(body.slice(half));
  });
  return { response, finish: () => finish() };
}

/** What a new connection gets (a fresh TCP connection, never one from a keep-alive pool). */
const refusedConnection = (url: string) =>
  new Promise<string>((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      res.resume();
      resolve(`answered ${res.statusCode}`);
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('graceful shutdown (SIGTERM)', () => {
  it('stops accepting, finishes and acks what it received, closes sockets with a reason, exits 0 quickly', async () => {
    const listener = await TestSocket.connect(server.wsUrl, admin.token);
    const poster = await TestSocket.connect(server.wsUrl, member.token);
    const httpBody = await admin.postBody(groupId);
    const upload = slowPost(`/v1/groups/${groupId}/messages`, admin.token, JSON.stringify(httpBody));
    await sleep(100); // the first half has arrived

    // a burst of WebSocket posts, and SIGTERM right behind it
    const bodies = await Promise.all(Array.from({ length: 40 }, () => member.postBody(groupId)));
    const replies = bodies.map((b) => poster.post({ groupId, ...b }, 8000).catch(() => null));
    await replies[0]; // the server is reading the burst
    const sentAt = Date.now();
    const stopped = server.stop();

    while (!server.logs().includes('shutting down (SIGTERM)')) await sleep(10);
    expect(await refusedConnection(`${server.url}/healthz`)).toBe('ECONNREFUSED');
    upload.finish();
    const uploaded = await upload.response;
    expect(uploaded.status, uploaded.text).toBe(201);

    const [posterClosed, listenerClosed] = await Promise.all([poster.closed, listener.closed]);
    await stopped;
    const elapsed = Date.now() - sentAt;
    for (const closed of [posterClosed, listenerClosed])
      expect(closed).toEqual({ code: WS_CLOSE.goingAway, reason: 'server restarting; reconnect shortly' });
    expect(server.lastExit).toEqual({ code: 0, signal: null });
    expect(elapsed, 'before the forced exit at 5 s').toBeLessThan(4500);

    const acked = new Set<string>();
    (await Promise.all(replies)).forEach((reply, i) => {
      if (reply) expect(reply.type).toBe('ack');
      if (reply?.type === 'ack') acked.add(bodies[i]!.clientMsgId);
    });
    expect(acked.size, 'the frames read before SIGTERM were acked').toBeGreaterThan(0);

    // nothing stored without its ack, nothing acked and lost
    await server.restart();
    const stored = expectOk(await admin.listMessages(groupId, 0, 500)).messages.map(
      (m: { clientMsgId: string }) => m.clientMsgId,
    );
    expect(new Set(stored)).toEqual(new Set([...acked, httpBody.clientMsgId]));
    expect(stored).toHaveLength(acked.size + 1);
    expect(server.logs()).not.toMatch(/internal_error|ws_error/);
  });
});
