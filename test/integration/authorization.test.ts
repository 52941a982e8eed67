// Every refusal the relay owes (P4, P9, P10 and authentication), one `it` per
// row: the exact status and error code, and proof that nothing changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromB64, toB64 } from '../../shared/crypto/encoding';
import { randomBytes } from '../../shared/crypto/primitives';
import { generateInviteCode } from '../../shared/protocol/invite-code';
import { signCommit } from '../../shared/protocol/roster';
import { admit, TestDevice } from '../support/api-client';
import { useServer } from '../support/fixtures';
import { type ApiResponse, expectError, expectOk, request } from '../support/http';
import { TestSocket } from '../support/test-socket';
import type { ServerProcess } from '../support/server-process';
import { socketUrl, startTarget } from '../support/targets';

const server = useServer();
/** The same database, with the clock 120 s ahead and one-second sessions. */
let later: ServerProcess;
let admin: TestDevice;
let member: TestDevice;
let removed: TestDevice;
let outsider: TestDevice;
let groupId: string;
let removedSocket: TestSocket;

beforeAll(async () => {
  admin = await TestDevice.create(server.current);
  member = await TestDevice.create(server.current);
  removed = await TestDevice.create(server.current);
  outsider = await TestDevice.create(server.current);
  groupId = await admin.createGroup();
  await admit(admin, member, groupId);
  await admit(admin, removed, groupId);
  removedSocket = await TestSocket.connect(socketUrl(server.current, groupId), removed.token);
  expectOk(await admin.removeMember(groupId, removed.id));
  for (let i = 0; i < 2; i++) expectOk(await admin.post(groupId), 201);
  later = await startTarget({ env: { CLOCK_SKEW_SECONDS: '120', SESSION_TTL_SECONDS: '1' } }, server.current);
});

afterAll(async () => {
  await removedSocket?.close();
  await later?.stop();
});

/** Everything an attacker could hope to change, read by the admin. */
async function snapshot() {
  const [messages, invites, roster, requests, envelopes] = await Promise.all([
    admin.listMessages(groupId),
    admin.listInvites(groupId),
    admin.roster(groupId),
    admin.listJoinRequests(groupId),
    member.req('GET', `/v1/groups/${groupId}/key-envelopes`),
  ]);
  return [messages, invites, roster, requests, envelopes].map((r) => expectOk(r as ApiResponse));
}

/** Runs the attempt, checks its status and code, and checks that nothing changed. */
async function refused(attempt: () => Promise<ApiResponse>, status: number, code: Parameters<typeof expectError>[2]) {
  const before = await snapshot();
  expectError(await attempt(), status, code);
  expect(await snapshot()).toEqual(before);
}

const path = (suffix: string) => `/v1/groups/${groupId}${suffix}`;
const newInvite = async (body: Record<string, unknown> = {}) => expectOk(await admin.createInvite(groupId, body), 201);

describe('membership', () => {
  it.each(['/messages', '/roster', '/bulletins/pinned', '/key-envelopes'])(
    'a non-member reading %s gets not_member',
    async (suffix) => {
      await refused(() => outsider.req('GET', path(suffix)), 403, 'not_member');
    },
  );

  it('a non-member posting gets not_member', async () => {
    await refused(() => outsider.post(groupId, { epoch: 2 }), 403, 'not_member');
  });

  it('a removed member reading messages gets not_member', async () => {
    await refused(() => removed.listMessages(groupId), 403, 'not_member');
  });

  it('a removed member posting gets not_member', async () => {
    await refused(() => removed.post(groupId, { epoch: 3 }), 403, 'not_member');
  });

  it("a removed member's open socket receives nothing posted after the removal", async () => {
    const { seq } = expectOk(await admin.post(groupId), 201);
    const leaked = await removedSocket.collect((f) => f.type === 'message' && f.message.seq === seq, 300);
    expect(leaked).toEqual([]);
  });

  it('a member posting a bulletin gets role_forbidden', async () => {
    await refused(() => member.post(groupId, { kind: 'bulletin' }), 403, 'role_forbidden');
  });

  it('a member uploading key envelopes gets not_admin', async () => {
    const envelopes = [{ recipient: member.id, sealed: toB64(randomBytes(80)) }];
    await refused(() => member.req('POST', path('/key-envelopes'), { epoch: 3, envelopes }), 403, 'not_admin');
  });
});

describe('invite management is for admins', () => {
  it('a member creating an invite gets not_admin', async () => {
    await refused(() => member.createInvite(groupId), 403, 'not_admin');
  });

  it('a member listing invites gets not_admin', async () => {
    await refused(() => member.listInvites(groupId), 403, 'not_admin');
  });

  it('a member revoking an invite gets not_admin', async () => {
    const { invite } = await newInvite();
    await refused(() => member.req('POST', path(`/invites/${invite.inviteId}/revoke`)), 403, 'not_admin');
  });

  it('a member rotating invites gets not_admin, and the old code still works', async () => {
    const { code } = await newInvite();
    await refused(() => member.req('POST', path('/invites/rotate'), {}), 403, 'not_admin');
    expectOk(await outsider.preview(code));
  });

  it('a non-member creating an invite gets not_member', async () => {
    await refused(() => outsider.createInvite(groupId), 403, 'not_member');
  });

  it('a member listing or approving join requests gets not_admin', async () => {
    const { code } = await newInvite();
    const newcomer = await TestDevice.create(server.current);
    const request = expectOk(await newcomer.redeem(code), 201);
    await refused(() => member.listJoinRequests(groupId), 403, 'not_admin');
    const commit = signCommit({ ...admin.nextBody(groupId, []), author: member.id }, member.keys.signSk);
    await refused(
      () => member.req('POST', path(`/join-requests/${request.requestId}/approve`), { commit }),
      403,
      'not_admin',
    );
  });
});

describe('invite codes', () => {
  it('an unknown code gets invite_not_found', async () => {
    await refused(() => outsider.redeem(generateInviteCode()), 404, 'invite_not_found');
  });

  it('an expired code gets invite_expired', async () => {
    const { code } = await newInvite({ expiresInSeconds: 60 });
    const newcomer = await TestDevice.create(server.current);
    expectOk(await newcomer.preview(code)); // live now
    newcomer.server = later; // the same database two minutes later
    await refused(() => newcomer.preview(code), 410, 'invite_expired');
    await refused(() => newcomer.redeem(code), 410, 'invite_expired');
    expect(expectOk(await newcomer.req('GET', '/v1/join-requests')).requests).toEqual([]);
  });

  it('a revoked code gets invite_revoked', async () => {
    const { code, invite } = await newInvite();
    expect(expectOk(await admin.req('POST', path(`/invites/${invite.inviteId}/revoke`))).revoked).toBe(true);
    await refused(() => outsider.redeem(code), 410, 'invite_revoked');
  });

  it('a used-up code gets invite_used_up', async () => {
    const { code } = await newInvite({ maxUses: 1 });
    const first = await TestDevice.create(server.current);
    expectOk(await first.redeem(code), 201);
    await refused(() => outsider.redeem(code), 410, 'invite_used_up');
  });

  it('a code rotated away gets invite_revoked; the new code works', async () => {
    const old = await newInvite();
    const rotated = expectOk(await admin.req('POST', path('/invites/rotate'), {}), 201);
    expect(rotated.revoked).toBeGreaterThanOrEqual(1);
    expect(rotated.code).not.toBe(old.code);
    await refused(() => outsider.redeem(old.code), 410, 'invite_revoked');
    expectOk(await outsider.preview(rotated.code));
  });

  it('redeeming twice returns the same request', async () => {
    const { code } = await newInvite({ maxUses: 5 });
    const newcomer = await TestDevice.create(server.current);
    const first = expectOk(await newcomer.redeem(code), 201);
    const before = await snapshot();
    const again = expectOk(await newcomer.redeem(code), 200);
    expect(again.requestId).toBe(first.requestId);
    expect(await snapshot()).toEqual(before);
  });

  it('a member redeeming a code of her own group gets already_member', async () => {
    const { code } = await newInvite();
    await refused(() => member.redeem(code), 409, 'already_member');
  });

  it('redemptions beyond the per-device limit get rate_limited', async () => {
    const guesser = await TestDevice.create(server.current);
    for (let i = 0; i < 10; i++) expectError(await guesser.redeem(generateInviteCode()), 404, 'invite_not_found');
    const { code } = await newInvite();
    await refused(() => guesser.redeem(code), 429, 'rate_limited');
  });
});

describe('join request approval', () => {
  async function pendingRequest() {
    const { code } = await newInvite({ role: 'member' });
    const newcomer = await TestDevice.create(server.current);
    return expectOk(await newcomer.redeem(code), 201).requestId as string;
  }

  it('an approval commit adding a different device gets join_request_mismatch', async () => {
    const requestId = await pendingRequest();
    const commit = admin.admitCommit(groupId, outsider.pub, 'member');
    await refused(() => admin.approveWith(groupId, requestId, commit), 400, 'join_request_mismatch');
  });

  it('an approval commit granting another role gets join_request_mismatch', async () => {
    const requestId = await pendingRequest();
    const { requests } = expectOk(await admin.listJoinRequests(groupId));
    const device = requests.find((r) => r.requestId === requestId)!.device;
    const commit = admin.admitCommit(groupId, device, 'facilitator');
    await refused(() => admin.approveWith(groupId, requestId, commit), 400, 'join_request_mismatch');
  });
});

describe('pending join requests in bulk (a leaked multi-use code)', () => {
  /** A multi-use invite and `n` fresh devices' requests on it. */
  async function flooded(n: number) {
    const { code, invite } = await newInvite({ maxUses: 10 });
    const ids: string[] = [];
    for (let i = 0; i < n; i++)
      ids.push(expectOk(await (await TestDevice.create(server.current)).redeem(code), 201).requestId as string);
    return { inviteId: invite.inviteId as string, ids };
  }
  const pendingIds = async () => expectOk(await admin.listJoinRequests(groupId)).requests.map((r) => r.requestId);

  it('a member rejecting them in bulk gets not_admin, a non-member not_member, and every request stays', async () => {
    const { inviteId, ids } = await flooded(2);
    await refused(() => member.req('DELETE', path('/join-requests')), 403, 'not_admin');
    await refused(() => member.req('DELETE', path(`/join-requests?inviteId=${inviteId}`)), 403, 'not_admin');
    await refused(() => outsider.req('DELETE', path('/join-requests')), 403, 'not_member');
    expect(await pendingIds()).toEqual(expect.arrayContaining(ids));
  });

  it('an unknown invite gets invite_not_found and nothing is rejected', async () => {
    await flooded(1);
    await refused(
      () => admin.req('DELETE', path(`/join-requests?inviteId=${toB64(randomBytes(16))}`)),
      404,
      'invite_not_found',
    );
  });

  it('an admin rejects every pending request of one invite, then of the group, and is told how many', async () => {
    const flood = await flooded(3);
    const other = await flooded(1);
    expect(expectOk(await admin.req('DELETE', path(`/join-requests?inviteId=${flood.inviteId}`))).removed).toBe(3);
    const left = await pendingIds();
    expect(left).toEqual(expect.arrayContaining(other.ids));
    for (const id of flood.ids) expect(left).not.toContain(id);
    expect(expectOk(await admin.req('DELETE', path('/join-requests'))).removed).toBe(left.length);
    expect(await pendingIds()).toEqual([]);
  });

  it('revoking an invite discards its pending requests; rotating discards those of every invite it revokes', async () => {
    const revoked = await flooded(2);
    const active = await flooded(2);
    const usedUp = await newInvite({ maxUses: 1 });
    const waiting = expectOk(await (await TestDevice.create(server.current)).redeem(usedUp.code), 201)
      .requestId as string;
    expectOk(await admin.req('POST', path(`/invites/${revoked.inviteId}/revoke`)));
    let left = await pendingIds();
    for (const id of revoked.ids) expect(left).not.toContain(id);
    expect(left).toEqual(expect.arrayContaining([...active.ids, waiting]));
    expectOk(await admin.req('POST', path('/invites/rotate'), {}), 201);
    left = await pendingIds();
    for (const id of active.ids) expect(left).not.toContain(id);
    // a used-up invite is not active, so rotation leaves its newcomer waiting for approval
    expect(left).toContain(waiting);
  });
});

describe('roster commits', () => {
  const settings = [{ op: 'settings' as const, announcementOnly: true }];

  it('a commit authored and signed by a non-admin member gets roster_not_admin', async () => {
    const commit = signCommit({ ...admin.nextBody(groupId, settings), author: member.id }, member.keys.signSk);
    await refused(() => member.req('POST', path('/roster'), { commit }), 400, 'roster_not_admin');
  });

  it("a commit naming the admin but signed with a member's key gets roster_bad_signature", async () => {
    const commit = admin.buildCommit(groupId, settings, {}, member.keys.signSk);
    await refused(() => member.req('POST', path('/roster'), { commit }), 400, 'roster_bad_signature');
  });

  it('a commit with a garbled signature gets roster_bad_signature', async () => {
    const commit = admin.buildCommit(groupId, settings);
    const sig = fromB64(commit.sig);
    sig[10]! ^= 0x01;
    await refused(
      () => admin.req('POST', path('/roster'), { commit: { ...commit, sig: toB64(sig) } }),
      400,
      'roster_bad_signature',
    );
  });

  it('a commit with the wrong previous hash gets roster_bad_prev', async () => {
    const commit = admin.buildCommit(groupId, settings, { prev: toB64(randomBytes(32)) });
    await refused(() => admin.req('POST', path('/roster'), { commit }), 400, 'roster_bad_prev');
  });

  it('a commit adding a member without a new epoch gets roster_bad_epoch', async () => {
    const add = [{ op: 'add' as const, device: outsider.id, signPk: outsider.pub.signPk, role: 'member' as const }];
    const commit = admin.buildCommit(groupId, add, { epoch: admin.state(groupId).epoch });
    await refused(() => admin.req('POST', path('/roster'), { commit }), 400, 'roster_bad_epoch');
  });
});

describe('consent to membership (P13)', () => {
  let own: string;
  const ownPath = (suffix: string) => `/v1/groups/${own}${suffix}`;

  beforeAll(async () => {
    own = await admin.createGroup();
    await admit(admin, member, own);
  });

  /** The roster and memberships of the second group, as the admin reads them. */
  async function rosterOf() {
    return expectOk(await admin.roster(own));
  }

  it('an admin commit adding a registered device that never asked to join gets not_requested', async () => {
    const before = await rosterOf();
    const stranger = await TestDevice.create(server.current);
    expectError(await admin.postCommit(own, admin.admitCommit(own, stranger.pub, 'member')), 403, 'not_requested');
    expect(await rosterOf()).toEqual(before);
    expectError(await stranger.req('GET', ownPath('/roster')), 403, 'not_member');
  });

  it('an admin commit adding a device with a pending join request for this group is accepted', async () => {
    const { code } = expectOk(await admin.createInvite(own, { role: 'member' }), 201);
    const newcomer = await TestDevice.create(server.current);
    expectOk(await newcomer.redeem(code), 201);
    expectOk(await admin.postCommit(own, admin.admitCommit(own, newcomer.pub, 'member')));
    expect([...(await newcomer.syncRoster(own)).members.keys()]).toContain(newcomer.id);
    // the add consumed her request: it is no longer pending
    expect(expectOk(await admin.listJoinRequests(own)).requests).toEqual([]);
  });

  it('a join request for another group does not let an admin add the device', async () => {
    const { code } = await newInvite({ role: 'member' });
    const newcomer = await TestDevice.create(server.current);
    expectOk(await newcomer.redeem(code), 201);
    const before = await rosterOf();
    expectError(await admin.postCommit(own, admin.admitCommit(own, newcomer.pub, 'member')), 403, 'not_requested');
    expect(await rosterOf()).toEqual(before);
  });

  it('a member removing someone else gets roster_not_admin', async () => {
    await member.syncRoster(own);
    const before = await rosterOf();
    const commit = member.buildCommit(own, [{ op: 'remove', device: admin.id }]);
    expectError(await member.postCommit(own, commit), 400, 'roster_not_admin');
    expect(await rosterOf()).toEqual(before);
  });

  it("a member's own leave commit is accepted and ends her membership", async () => {
    const state = await member.syncRoster(own);
    const commit = member.buildCommit(own, [{ op: 'remove', device: member.id }]);
    expect(expectOk(await member.postCommit(own, commit))).toMatchObject({
      seq: state.seq + 1,
      epoch: state.epoch + 1,
    });
    expect([...(await admin.syncRoster(own)).members.keys()]).not.toContain(member.id);
    expectError(await member.req('GET', ownPath('/messages')), 403, 'not_member');
  });
});

describe('authentication', () => {
  it('a replayed login signature gets challenge_invalid', async () => {
    const d = await TestDevice.create(server.current);
    const challenge = await d.challenge();
    const signature = d.signChallenge(challenge);
    expectOk(await d.loginWith(challenge, signature));
    expectError(await d.loginWith(challenge, signature), 401, 'challenge_invalid');
  });

  it('a signature by another key gets login_signature_invalid', async () => {
    const d = await TestDevice.create(server.current);
    const challenge = await d.challenge();
    expectError(await d.loginWith(challenge, outsider.signChallenge(challenge)), 401, 'login_signature_invalid');
  });

  it('an expired token gets unauthenticated', async () => {
    const d = await TestDevice.create(server.current);
    d.server = later;
    const token = await d.login(); // lives one second by `later`'s clock
    await new Promise((r) => setTimeout(r, 2200));
    // The first server, two minutes behind, still accepts it: only expiry differs.
    expectOk(await request(server.current.url, 'GET', '/v1/groups', undefined, { token }));
    expectError(await d.req('GET', '/v1/groups'), 401, 'unauthenticated');
    const socket = await TestSocket.open(socketUrl(later));
    socket.send({ type: 'auth', token });
    expect((await socket.closed).code).toBe(4001);
  });

  it('a logged-out token gets unauthenticated', async () => {
    const d = await TestDevice.create(server.current);
    const other = await d.login(); // a second session of the same device
    d.token = await d.login();
    expect(expectOk(await d.req('POST', '/v1/auth/logout'))).toEqual({ ok: true });
    expectError(await d.req('GET', '/v1/groups'), 401, 'unauthenticated');
    expectOk(await d.req('GET', '/v1/groups', undefined, { token: other }));
  });

  it('logout-all ends every session of the device', async () => {
    const d = await TestDevice.create(server.current);
    const first = d.token;
    await d.login();
    expect(expectOk(await d.req('POST', '/v1/auth/logout-all'))).toEqual({ ok: true, revoked: 2 });
    expectError(await d.req('GET', '/v1/groups'), 401, 'unauthenticated');
    expectError(await d.req('GET', '/v1/groups', undefined, { token: first }), 401, 'unauthenticated');
  });
});

describe('epochs a post may use (P5)', () => {
  it('a post in the epoch before the one a removal started gets epoch_invalid', async () => {
    const leaving = await TestDevice.create(server.current);
    await admit(admin, leaving, groupId);
    expectOk(await admin.removeMember(groupId, leaving.id));
    const epoch = admin.state(groupId).epoch;
    await refused(() => member.post(groupId, { epoch: epoch - 1 }), 409, 'epoch_invalid');
    expectOk(await member.post(groupId, { epoch }), 201);
  });

  it('after a rotation that removes nobody, the epoch before stays open for late posts', async () => {
    expectOk(await admin.appendCommit(groupId, [], { epoch: admin.state(groupId).epoch + 1 }));
    const epoch = admin.state(groupId).epoch;
    expectOk(await member.post(groupId, { epoch: epoch - 1 }), 201);
    expectOk(await member.post(groupId, { epoch }), 201);
    // two epochs back is refused as before
    await refused(() => member.post(groupId, { epoch: epoch - 2 }), 409, 'epoch_invalid');
  });
});

describe('asking for a fresh epoch (P8)', () => {
  it('a non-member asking for a rekey gets not_member, and no admin hears of it', async () => {
    const adminSocket = await TestSocket.connect(socketUrl(server.current, groupId), admin.token);
    try {
      await refused(() => outsider.req('POST', path('/rekey')), 403, 'not_member');
      await refused(() => removed.req('POST', path('/rekey')), 403, 'not_member');
      expect(await adminSocket.collect((f) => f.type === 'rekey', 300)).toEqual([]);
    } finally {
      await adminSocket.close();
    }
  });

  it("a member's rekey request reaches the admins only, stores nothing, and is rate limited", async () => {
    const adminSocket = await TestSocket.connect(socketUrl(server.current, groupId), admin.token);
    const memberSocket = await TestSocket.connect(socketUrl(server.current, groupId), member.token);
    try {
      const before = await snapshot();
      expect(expectOk(await member.req('POST', path('/rekey')), 202)).toEqual({ ok: true });
      expect(await adminSocket.nextOf('rekey')).toEqual({ type: 'rekey', groupId });
      expect(await memberSocket.collect((f) => f.type === 'rekey', 300)).toEqual([]);
      expect(await snapshot()).toEqual(before);
      expectOk(await member.req('POST', path('/rekey')), 202);
      await refused(() => member.req('POST', path('/rekey')), 429, 'rate_limited');
    } finally {
      await adminSocket.close();
      await memberSocket.close();
    }
  });
});
