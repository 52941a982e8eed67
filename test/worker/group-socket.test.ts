// What only the Workers target has: a Durable Object per group holding
// hibernating sockets, no /v1/ws, the purge from a Cron Trigger, and the web
// app from the assets binding. Runs the Worker under local workerd.
import { afterEach, describe, expect, it } from 'vitest';
import { TestDevice } from '../support/api-client';
import { makeServerGroup, useServer } from '../support/fixtures';
import { expectError, expectOk, request } from '../support/http';
import { TestSocket } from '../support/test-socket';
import { socketUrl } from '../support/targets';
import { expectSecurityHeaders } from '../support/security-headers';

const server = useServer();
let sockets: TestSocket[] = [];

async function connect(device: TestDevice, groupId: string): Promise<TestSocket> {
  const s = await TestSocket.connect(socketUrl(server.current, groupId), device.token);
  sockets.push(s);
  return s;
}

afterEach(async () => {
  for (const s of sockets) expect(s.invalidFrames).toEqual([]);
  await Promise.all(sockets.map((s) => s.close()));
  sockets = [];
});

describe('the per-group socket on Workers', () => {
  it('/v1/ws does not exist: a JSON 404 and no upgrade', async () => {
    expectError(await request(server.current.url, 'GET', '/v1/ws'), 404, 'route_not_found');
    await expect(TestSocket.open(server.current.wsUrl)).rejects.toThrow(/404/);
  });

  it('refuses a device that is not a member of the group at auth, with 4001', async () => {
    const { groupId } = await makeServerGroup(server.current, []);
    const outsider = await TestDevice.create(server.current);
    const s = await TestSocket.open(socketUrl(server.current, groupId));
    sockets.push(s);
    s.send({ type: 'auth', token: outsider.token });
    expect(await s.closed).toMatchObject({ code: 4001 });
    expect(s.frames).toEqual([]);
  });

  it('a removed member gets the roster commit that removes her, then her socket closes', async () => {
    const { admin, members, groupId } = await makeServerGroup(server.current, ['member', 'member']);
    const [leaving, staying] = members as [TestDevice, TestDevice];
    const leavingSocket = await connect(leaving, groupId);
    const stayingSocket = await connect(staying, groupId);
    const { seq } = expectOk(await admin.removeMember(groupId, leaving.id));
    expect(await leavingSocket.nextOf('roster', (f) => f.seq === seq)).toMatchObject({ groupId });
    expect(await leavingSocket.closed).toEqual({ code: 1000, reason: 'no longer a member of this group' });
    await stayingSocket.nextOf('roster', (f) => f.seq === seq);
    const posted = expectOk(await admin.post(groupId), 201);
    await stayingSocket.nextOf('message', (f) => f.message.seq === posted.seq);
  });

  it('a newcomer opens the group socket once approved and receives the group live', async () => {
    const { admin, members, groupId } = await makeServerGroup(server.current);
    const s = await connect(members[0]!, groupId);
    expect(s.ready).toMatchObject({ deviceId: members[0]!.id, groups: [groupId] });
    const { seq } = expectOk(await admin.post(groupId), 201);
    await s.nextOf('message', (f) => f.message.seq === seq);
  });
});

describe('D1 storage', () => {
  it('a unique-key violation inside a batch is recognised (a second genesis for a group is 409 group_exists)', async () => {
    const admin = await TestDevice.create(server.current);
    const groupId = await admin.createGroup();
    const res = await admin.req('POST', '/v1/groups', { genesis: admin.lastCommits.get(groupId) });
    expectError(res, 409, 'group_exists');
    expect(expectOk(await admin.roster(groupId)).commits).toHaveLength(1);
  });
});

describe('the web app', () => {
  it('is served from the assets binding, with index.html for client-side routes', async () => {
    for (const path of ['/', '/groups/some-client-route']) {
      const res = await fetch(`${server.current.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toMatch(/<!doctype html>/i);
      expectSecurityHeaders(res, path);
    }
  });
});
