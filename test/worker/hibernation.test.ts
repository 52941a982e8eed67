// A group's Durable Object is evicted when idle while its sockets stay open
// (the Hibernation API); the next frame wakes a new instance, which rebuilds
// each socket's session from its attachment.
import { describe, expect, it } from 'vitest';
import { makeServerGroup, useServer } from '../support/fixtures';
import { expectOk } from '../support/http';
import { TestSocket } from '../support/test-socket';
import { socketUrl } from '../support/targets';

const server = useServer();
// Eviction comes about 20 s after the sockets were accepted (below); the rest is margin for a loaded machine.
const IDLE_MS = 26_000;

describe('hibernation', () => {
  it('sockets stay authenticated and live across an eviction of their Durable Object', {
    timeout: 60_000,
  }, async () => {
    const { admin, members, groupId } = await makeServerGroup(server.current);
    const member = members[0]!;
    const adminSocket = await TestSocket.connect(socketUrl(server.current, groupId), admin.token);
    const memberSocket = await TestSocket.connect(socketUrl(server.current, groupId), member.token);
    const resumed = () =>
      server.current
        .logs()
        .split('\n')
        .filter((l) => l.includes('group_socket_session resumed')).length;
    expect(resumed()).toBe(0);

    // Idle: workerd evicts an object ten seconds after its last event (here
    // the auth-timeout alarm, ten seconds after the sockets were accepted).
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const body = await member.postBody(groupId);
    const first = await memberSocket.post({ groupId, ...body });
    expect(first).toMatchObject({ type: 'ack', duplicate: false });
    // The worker's log line travels workerd -> wrangler -> this process, so it may arrive after the ack.
    await expect
      .poll(resumed, {
        message: 'the frame woke a new instance, which rebuilt the session from its attachment',
        timeout: 5000,
      })
      .toBeGreaterThan(0);
    await adminSocket.nextOf('message', (f) => f.message.seq === (first as { seq: number }).seq);

    // HTTP posts reach both sockets through the woken object, and posting over a socket still works.
    const { seq } = expectOk(await admin.post(groupId), 201);
    await memberSocket.nextOf('message', (f) => f.message.seq === seq);
    await adminSocket.nextOf('message', (f) => f.message.seq === seq);
    const ack = await adminSocket.post({ groupId, ...(await admin.postBody(groupId)) });
    expect(ack).toMatchObject({ type: 'ack', seq: seq + 1 });
    await memberSocket.close();
    await adminSocket.close();
  });
});
