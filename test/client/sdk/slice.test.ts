import { afterAll, describe, expect, it } from 'vitest';
import { useServer } from '../../support/fixtures';
import { newClient, removeTempDirs, textOf } from './sdk-fixtures';

const server = useServer();
afterAll(removeTempDirs);

describe('sdk vertical slice', () => {
  it('creates a group, invites, joins, approves, chats both ways', async () => {
    const admin = await newClient(server.current.url, 'Admin');
    const member = await newClient(server.current.url, 'Member');
    const groupId = await admin.client.createGroup('Moongchi');
    const { code, inviteId } = await admin.client.createInvite(groupId, { label: 'for M' });
    const invites = await admin.client.listInvites(groupId);
    expect(invites.find((i) => i.inviteId === inviteId)?.label).toBe('for M');
    const { requestId } = await member.client.join(code, 'hello, I am M');
    const requests = await admin.client.joinRequests(groupId);
    expect(requests[0]?.introduction).toBe('hello, I am M');
    expect(requests[0]?.requestId).toBe(requestId);
    await admin.client.approve(groupId, requestId);
    await member.client.sync();
    const a = await admin.client.send(groupId, 'welcome');
    await member.client.sync();
    const seen = await member.client.history(groupId);
    expect(seen.map(textOf)).toContain('welcome');
    await member.client.send(groupId, 'thanks');
    await admin.client.sync(groupId);
    expect((await admin.client.history(groupId)).map(textOf)).toEqual(['welcome', 'thanks']);
    const groups = await member.client.groups();
    expect(groups[0]?.name).toBe('Moongchi');
    expect(groups[0]?.members.find((m) => m.deviceId === admin.client.deviceId)?.displayName).toBe('Admin');
    expect(a.seq).toBeGreaterThan(0);
  });
});
