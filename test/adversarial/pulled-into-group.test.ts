// P13, consent at the door. Someone who fears nothing from a relay (a removed
// member, an abuser who once held an invite) creates a group, names herself
// "상담사 김" and adds the survivor's device, hoping her client posts her name
// into it. The relay refuses an add for a device that never asked to join.
// When the relay itself is the one pulling her in (its SQLite file edited:
// a commit signed by a device it controls, a membership row, a key for her),
// her client shows the group as an invitation, sends nothing to it, and her
// "no" takes her out. And a member can leave a group: an admin's client seals
// the next epoch to those who stay, and she reads nothing sent after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle } from '../../client/cli/context';
import { changeRoster } from '../../client/sdk/admin';
import { ClientError } from '../../client/sdk/errors';
import type { MessageEvent } from '../../client/sdk/events';
import { toB64 } from '../../shared/crypto/encoding';
import { devicePublic } from '../../shared/protocol/device';
import { newEpochSecret, sealEpochSecret } from '../../shared/protocol/epoch-envelope';
import { applyCommit } from '../../shared/protocol/roster';
import { TestDevice } from '../support/api-client';
import { addGhostMembership, appendCommitRow, envelopeRows, messageRows, withDb } from '../support/db-tamper';
import { useServer } from '../support/fixtures';
import { expectOk } from '../support/http';
import { type MaliciousProxy, startMaliciousProxy } from '../support/malicious-proxy';
import { newClient, removeTempDirs, storedEpochKeys, type TestClient, textOf } from '../support/sdk-fixtures';
import { clientGroup } from '../support/client-group';

const server = useServer();
const SURVIVOR_NAME = '수진';
let proxy: MaliciousProxy;
let survivor: TestClient;
const clients: TestClient[] = [];

const messagesOf = (t: TestClient) => t.events.filter((e): e is MessageEvent => e.type === 'message');
const idle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  proxy = await startMaliciousProxy(server.current);
  survivor = await newClient(proxy.url, SURVIVOR_NAME);
  clients.push(survivor);
});

afterAll(async () => {
  await Promise.all(clients.map((t) => settle(t.client)));
  await removeTempDirs();
  await proxy?.close();
});

/** Every trace of her in what reached the relay for a group: its stored rows and her socket frames. */
function tracesOf(groupId: string) {
  const rows = messageRows(server.current.dbPath, groupId);
  const frames = proxy.clientFrames.filter((f) => JSON.stringify(f).includes(groupId));
  return { rows, frames, nameInFrames: JSON.stringify(proxy.clientFrames).includes(SURVIVOR_NAME) };
}

/**
 * The relay puts her into a group of a device it controls: a commit that
 * device signs (valid: it is the group's admin), written straight into the
 * log; a membership row; and an epoch key sealed to her, so her client could
 * post if it wanted to.
 */
async function pullInByRelay(): Promise<{ counselor: TestDevice; groupId: string }> {
  const counselor = await TestDevice.create(server.current);
  const groupId = await counselor.createGroup();
  const mine = devicePublic(survivor.client.identity.keys);
  const commit = counselor.buildCommit(groupId, [
    { op: 'add', device: mine.deviceId, signPk: mine.signPk, role: 'member' },
  ]);
  const roster = applyCommit(counselor.state(groupId), commit);
  appendCommitRow(server.current.dbPath, groupId, commit);
  addGhostMembership(server.current.dbPath, groupId, mine.deviceId, 'member');
  const sealed = sealEpochSecret({ secret: newEpochSecret(), roster, admin: counselor.keys, recipient: mine });
  expectOk(
    await counselor.req('POST', `/v1/groups/${groupId}/key-envelopes`, {
      epoch: roster.epoch,
      envelopes: [{ recipient: mine.deviceId, sealed: toB64(sealed) }],
    }),
  );
  return { counselor, groupId };
}

describe('a stranger pulling a survivor into a group', () => {
  it("is refused by the relay: a stranger's admin commit adding her device gets not_requested", async () => {
    const stranger = await newClient(server.current.url, '상담사 김');
    clients.push(stranger);
    const groupId = await stranger.client.createGroup('상담 모임');
    const her = devicePublic(survivor.client.identity.keys);
    const add = changeRoster(stranger.client, groupId, () => [
      { op: 'add', device: her.deviceId, signPk: her.signPk, role: 'member' },
    ]);
    await expect(add).rejects.toMatchObject({ code: 'not_requested' });
    await survivor.client.sync();
    expect((await survivor.client.groups()).map((g) => g.groupId)).not.toContain(groupId);
    const memberships = withDb(server.current.dbPath, (db) =>
      db.prepare('SELECT device_id FROM memberships WHERE group_id = ?').all(groupId),
    );
    expect(memberships).toEqual([{ device_id: stranger.client.deviceId }]);
  });
});

describe('the relay itself pulling a survivor into a group', () => {
  let groupId: string;
  let counselor: TestDevice;

  beforeAll(async () => {
    await survivor.client.connect(); // her posts would go over the proxied socket, where the proxy sees every frame
    ({ counselor, groupId } = await pullInByRelay());
    await survivor.client.sync();
    await idle(); // anything her client would announce in the background has had time to leave
  });

  it('shows the group as an invitation, with its key held but nothing sent', async () => {
    const view = (await survivor.client.groups()).find((g) => g.groupId === groupId);
    expect(view).toMatchObject({ invitation: true, doorVerified: false });
    expect(survivor.events).toContainEqual({ type: 'invitation', groupId });
    expect(survivor.client.states.get(groupId)!.keys.size).toBe(1); // she could have posted: the gate is what stopped her
    const traces = tracesOf(groupId);
    expect(traces.rows).toEqual([]);
    expect(traces.frames.filter((f) => f.type === 'post')).toEqual([]);
    expect(traces.nameInFrames).toBe(false);
  });

  it('refuses to send to the invitation until she accepts it', async () => {
    await expect(survivor.client.send(groupId, 'hello?')).rejects.toMatchObject({ code: 'not_accepted' });
    await expect(survivor.client.setDisplayName(SURVIVOR_NAME)).resolves.toBeUndefined();
    await idle();
    expect(tracesOf(groupId).rows).toEqual([]);
  });

  it('declining takes her out of the group on the relay and forgets it on her device', async () => {
    await survivor.client.declineInvitation(groupId);
    expect((await survivor.client.groups()).map((g) => g.groupId)).not.toContain(groupId);
    expect(survivor.client.states.has(groupId)).toBe(false);
    expect(await survivor.client.store.read(`group/${groupId}`)).toBeUndefined();
    expect(await storedEpochKeys(survivor, groupId)).toEqual([]);
    // her own leave commit: the relay no longer lists her, so she is not shown the group again
    const chain = await counselor.syncRoster(groupId);
    expect(chain.members.has(survivor.client.deviceId)).toBe(false);
    await survivor.client.sync();
    expect((await survivor.client.groups()).map((g) => g.groupId)).not.toContain(groupId);
    expect(tracesOf(groupId).rows).toEqual([]);
  });

  it('accepting an invitation is what lets her profile into a group', async () => {
    const other = await pullInByRelay();
    await survivor.client.sync();
    expect((await survivor.client.groups()).find((g) => g.groupId === other.groupId)?.invitation).toBe(true);
    await survivor.client.acceptInvitation(other.groupId);
    expect((await survivor.client.groups()).find((g) => g.groupId === other.groupId)?.invitation).toBe(false);
    // her profile and her epoch-check (every member posts one in each epoch she opens)
    expect(messageRows(server.current.dbPath, other.groupId).map((r) => r.kind)).toEqual(['meta', 'meta']);
  });
});

describe('leaving a group', () => {
  let admin: TestClient;
  let alice: TestClient;
  let bob: TestClient;
  let groupId: string;

  beforeAll(async () => {
    const g = await clientGroup(server.current.url, 'leaving', [
      ['Alice', 'member'],
      ['Bob', 'member'],
    ]);
    [admin, alice, bob, groupId] = [g.admin, g.others[0]!, g.others[1]!, g.groupId];
    clients.push(admin, alice, bob);
    await admin.client.setRole(groupId, bob.client.deviceId, 'admin');
    await Promise.all([alice, bob].map((t) => t.client.sync()));
  });

  it("takes her out with her own commit; an admin's client seals the next epoch to those who stay, and she reads nothing sent after", async () => {
    const before = admin.client.states.get(groupId)!.chain.current.epoch;
    const heldBefore = (await storedEpochKeys(alice, groupId)).map((k) => k.epoch);
    expect(heldBefore.length).toBeGreaterThan(0);
    await alice.client.leaveGroup(groupId);
    expect((await alice.client.groups()).map((g) => g.groupId)).not.toContain(groupId);
    expect(await storedEpochKeys(alice, groupId)).toEqual([]);

    // both admins see the leave at once: one seals the epoch, the other takes the envelope the relay kept
    await Promise.all([admin.client.sync(groupId), bob.client.sync(groupId)]);
    const next = before + 1;
    for (const t of [admin, bob]) {
      const state = t.client.states.get(groupId)!;
      expect(state.chain.current.epoch).toBe(next);
      expect(state.chain.current.members.has(alice.client.deviceId)).toBe(false);
      expect(state.keys.has(next)).toBe(true);
    }
    expect(envelopeRows(server.current.dbPath, groupId, alice.client.deviceId).map((r) => r.epoch)).not.toContain(next);

    await bob.client.send(groupId, 'after Alice left');
    await admin.client.sync(groupId);
    expect(messagesOf(admin).map(textOf)).toContain('after Alice left'); // the racing admins hold the same secret
    const row = messageRows(server.current.dbPath, groupId).at(-1)!;
    expect(row.epoch).toBe(next);
    expect(heldBefore).not.toContain(next); // no key she ever held opens it

    await expect(alice.client.sync(groupId)).resolves.toBeUndefined();
    expect(messagesOf(alice).map(textOf)).not.toContain('after Alice left');
    await expect(alice.client.send(groupId, 'still here?')).rejects.toBeInstanceOf(ClientError);
  });
});
