// The malicious-server harness itself: the proxy forwards the real relay's
// answers and can rewrite, drop, duplicate and inject; the database hook makes
// the relay serve a device that no admin signed in. The attacks in this folder
// rely on these powers, so they are checked first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDevice } from '../support/api-client';
import { addGhostMembership, messageRows } from '../support/db-tamper';
import { makeServerGroup, useServer } from '../support/fixtures';
import { expectOk } from '../support/http';
import { TestSocket } from '../support/test-socket';
import { type MaliciousProxy, route, startMaliciousProxy } from '../support/malicious-proxy';

const server = useServer();
let proxy: MaliciousProxy;

beforeAll(async () => {
  proxy = await startMaliciousProxy(server.current);
});
afterAll(() => proxy.close());

describe('malicious-server harness', () => {
  it('forwards HTTP and rewrites chosen JSON answers', async () => {
    const admin = await TestDevice.create({ url: proxy.url });
    const groupId = await admin.createGroup();
    expectOk(await admin.post(groupId), 201);
    expect(expectOk(await admin.listMessages(groupId)).messages).toHaveLength(1);
    const undo = proxy.rewriteResponses(route('GET', /\/messages$/), (body) => ({
      ...body,
      messages: [...body.messages, ...body.messages],
    }));
    expect(expectOk(await admin.listMessages(groupId)).messages).toHaveLength(2);
    undo();
    expect(expectOk(await admin.listMessages(groupId)).messages).toHaveLength(1);
  });

  it('relays WebSocket frames both ways and drops, duplicates or injects pushes', async () => {
    const { admin, groupId } = await makeServerGroup({ url: proxy.url }, []);
    const socket = await TestSocket.connect(proxy.wsUrl, admin.token);
    expect(socket.ready).toMatchObject({ deviceId: admin.id, groups: [groupId] });
    let first = true;
    const undo = proxy.rewritePushes((f) => {
      if (f.type !== 'message') return [f];
      if (first) return ((first = false), []); // drop the first message
      return [f, f]; // duplicate the rest
    });
    expect(await socket.post({ groupId, ...(await admin.postBody(groupId)) })).toMatchObject({ type: 'ack', seq: 1 });
    expect(await socket.post({ groupId, ...(await admin.postBody(groupId)) })).toMatchObject({ type: 'ack', seq: 2 });
    const got = await socket.collect((f) => f.type === 'message', 300);
    expect(got.map((f) => (f.type === 'message' ? f.message.seq : 0))).toEqual([2, 2]);
    expect(proxy.clientFrames.filter((f) => f.type === 'post')).toHaveLength(2);
    proxy.links[0]!.push({ type: 'message', groupId, message: { ...(got[0] as any).message, seq: 99 } });
    expect(await socket.nextOf('message')).toMatchObject({ message: { seq: 99 } });
    undo();
    await socket.close();
  });

  it('lets the relay serve a device that no signed commit added (the threat the clients must catch)', async () => {
    const { admin, groupId } = await makeServerGroup(server.current, ['member']);
    const ghost = await TestDevice.create(server.current);
    expect((await ghost.listMessages(groupId)).status).toBe(403);
    addGhostMembership(server.current.dbPath, groupId, ghost.id);
    // the relay now treats the ghost as a member: it can read ciphertext and post
    expectOk(await ghost.listMessages(groupId));
    expectOk(await ghost.post(groupId), 201);
    expect(messageRows(server.current.dbPath, groupId)).toHaveLength(1);
    // ...but the signed roster does not name her
    expect([...(await admin.syncRoster(groupId)).members.keys()]).not.toContain(ghost.id);
  });
});
