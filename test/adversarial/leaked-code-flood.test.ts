// A multi-use invite code that leaks (a screenshot, a forwarded chat) lets
// whoever holds it file join requests until the invite's pending quota is full,
// and then the person the code was meant for is refused. The relay cannot tell
// them apart, but the admins can: they clear the pending requests in bulk, or
// revoke the code, which takes its pending requests with it, and hand her a
// fresh code. Nothing of the flood is left behind to be approved by mistake.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle } from '../../client/cli/context';
import { TestDevice } from '../support/api-client';
import { joinRequestRows } from '../support/db-tamper';
import { useServer } from '../support/fixtures';
import { expectOk } from '../support/http';
import { newClient, removeTempDirs, type TestClient } from '../support/sdk-fixtures';

const QUOTA = 4;
const server = useServer({ env: { MAX_JOIN_REQUESTS_PER_INVITE: String(QUOTA) } });
let admin: TestClient;
let groupId: string;
const opened: TestClient[] = [];

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: { code?: string }) => e.code,
  );

/** Outsiders holding the leaked code fill its quota; returns their device ids. */
async function flood(code: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < QUOTA; i++) {
    const outsider = await TestDevice.create(server.current);
    expectOk(await outsider.redeem(code, 'x'.repeat(100)), 201);
    ids.push(outsider.id);
  }
  return ids;
}

async function newcomer(name: string): Promise<TestClient> {
  const t = await newClient(server.current.url, name);
  opened.push(t);
  return t;
}

/** She redeems a fresh code, the admin approves her, and she is in the group. */
async function admittedWithFreshCode(her: TestClient): Promise<void> {
  const fresh = await admin.client.createInvite(groupId);
  const { requestId } = await her.client.join(fresh.code, '상담 받고 싶어요');
  await admin.client.approve(groupId, requestId);
  await her.client.sync(groupId);
  expect((await her.client.groups()).map((g) => g.groupId)).toContain(groupId);
}

beforeAll(async () => {
  admin = await newClient(server.current.url, 'Counselor');
  groupId = await admin.client.createGroup('자조 모임');
});

afterAll(async () => {
  await Promise.all([admin, ...opened].map((t) => settle(t.client)));
  await removeTempDirs();
});

describe('a leaked multi-use code used to lock newcomers out', () => {
  it('fills the pending quota so she is refused; the admin clears it in bulk, and her fresh code works', async () => {
    const leaked = await admin.client.createInvite(groupId, { maxUses: 50 });
    const flooders = await flood(leaked.code);
    const her = await newcomer('Minji');
    expect(await codeOf(her.client.join(leaked.code))).toBe('join_request_limit');

    const pending = await admin.client.joinRequests(groupId);
    expect(pending.map((r) => r.deviceId).sort()).toEqual([...flooders].sort());
    expect(await admin.client.clearJoinRequests(groupId, { inviteId: leaked.inviteId })).toBe(QUOTA);
    expect(await admin.client.joinRequests(groupId)).toEqual([]);
    await admin.client.revokeInvite(groupId, leaked.inviteId);

    await admittedWithFreshCode(her);
    const stored = joinRequestRows(server.current.dbPath).map((r) => r.device_id);
    for (const id of flooders) expect(stored).not.toContain(id);
  });

  it('revoking the leaked code discards the flood with it; her fresh code works', async () => {
    const leaked = await admin.client.createInvite(groupId, { maxUses: 50 });
    const flooders = await flood(leaked.code);
    const her = await newcomer('Sora');
    expect(await codeOf(her.client.join(leaked.code))).toBe('join_request_limit');
    expect(joinRequestRows(server.current.dbPath, leaked.inviteId)).toHaveLength(QUOTA);

    await admin.client.revokeInvite(groupId, leaked.inviteId);
    expect(joinRequestRows(server.current.dbPath, leaked.inviteId)).toEqual([]);
    expect(await admin.client.joinRequests(groupId)).toEqual([]);

    await admittedWithFreshCode(her);
    const stored = joinRequestRows(server.current.dbPath).map((r) => r.device_id);
    for (const id of flooders) expect(stored).not.toContain(id);
  });
});
