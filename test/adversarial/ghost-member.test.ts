// P4, the Matrix 2022 class: the server puts a device into a group on its own.
// Here the real relay is made complicit through its SQLite file: a membership
// row no signed commit backs (the relay then serves the ghost like a member),
// and then a commit no admin signed. The ghost gets no epoch secret, reads no
// plaintext, her posts are shown as unreadable, and once the server shows her
// in the log every client flags the roster and keeps trusting only the signed
// chain. (test/client/sdk/flags.test.ts covers the same forgeries as seen by
// one client through a rewriting fetch.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle } from '../../client/cli/context';
import type { MessageEvent, UndecryptableEvent } from '../../client/sdk/events';
import { signCommit } from '../../shared/protocol/roster';
import { TestDevice } from '../support/api-client';
import { addGhostMembership, appendCommitRow, envelopeRows, messageRows } from '../support/db-tamper';
import { useServer } from '../support/fixtures';
import { addOp, nextBody } from '../shared/protocol/fixtures';
import { clientGroup } from '../support/client-group';
import { expectOk } from '../support/http';
import { newClient, removeTempDirs, type TestClient, textOf } from '../support/sdk-fixtures';

const server = useServer();
let admin: TestClient;
let member: TestClient;
let ghost: TestDevice;
let groupId: string;

const messages = (t: TestClient) => t.events.filter((e): e is MessageEvent => e.type === 'message');
const unreadable = (t: TestClient) => t.events.filter((e): e is UndecryptableEvent => e.type === 'undecryptable');

beforeAll(async () => {
  const g = await clientGroup(server.current.url, 'ghost', [['Member', 'member']]);
  [admin, member, groupId] = [g.admin, g.others[0]!, g.groupId];
  ghost = await TestDevice.create(server.current);
  addGhostMembership(server.current.dbPath, groupId, ghost.id, 'member');
});

afterAll(async () => {
  await Promise.all([admin, member].map((t) => settle(t.client))); // no write in flight when the directories go
  await removeTempDirs();
});

describe('a member the server adds on its own', () => {
  it('is served by the relay, but gets no epoch secret and reads only ciphertext', async () => {
    // the relay now lets her in: the threat is real
    expectOk(await ghost.listMessages(groupId));
    // new epochs (a rotation, a newcomer) are sealed only to the signed roster
    await admin.client.rotateEpoch(groupId);
    const newcomer = await newClient(server.current.url, 'Newcomer');
    const { code } = await admin.client.createInvite(groupId);
    await admin.client.approve(groupId, (await newcomer.client.join(code)).requestId);
    await admin.client.send(groupId, 'for members only');
    expect(envelopeRows(server.current.dbPath, groupId, ghost.id)).toEqual([]);
    expect(expectOk(await ghost.req('GET', `/v1/groups/${groupId}/key-envelopes`)).envelopes).toEqual([]);
    expect(envelopeRows(server.current.dbPath, groupId, member.client.deviceId).length).toBeGreaterThanOrEqual(2);
    // what the relay gives her is opaque
    const served = expectOk(await ghost.listMessages(groupId)).messages as { ciphertext: string }[];
    expect(served.length).toBeGreaterThan(0);
    for (const m of served)
      expect(Buffer.from(m.ciphertext, 'base64url').includes(Buffer.from('for members only'))).toBe(false);
    await member.client.sync(groupId);
    expect(messages(member).map(textOf)).toContain('for members only');
    expect((await member.client.groups())[0]!.members.map((m) => m.deviceId)).not.toContain(ghost.id);
  });

  it('posts that the relay accepts from her are shown as unreadable, never as content', async () => {
    const before = unreadable(member).length;
    // random bytes, and a copy of a real member's envelope under a new message id
    const real = messageRows(server.current.dbPath, groupId).at(-1)!;
    expectOk(await ghost.post(groupId), 201);
    expectOk(
      await ghost.post(groupId, {
        epoch: real.epoch,
        kind: real.kind as 'message',
        ciphertext: Buffer.from(real.ciphertext, 'base64url'),
      }),
      201,
    );
    await member.client.sync(groupId);
    const newUnreadable = unreadable(member).slice(before);
    expect(newUnreadable.map((e) => e.reason).sort()).toEqual(['bad_outer', 'binding']);
    expect(messages(member).filter((e) => newUnreadable.some((u) => u.seq === e.seq))).toEqual([]);
  });

  it('once the server writes a commit adding her, every client flags the roster and trusts only the signed chain', async () => {
    const cur = admin.client.states.get(groupId)!.chain.current;
    // the best a server can do: a commit signed by the ghost (it holds no admin key) naming the admin as author
    const forged = signCommit(
      nextBody(cur, ghost.keys, [addOp(ghost.keys, 'admin')], { author: admin.client.deviceId }),
      ghost.keys.signSk,
    );
    appendCommitRow(server.current.dbPath, groupId, forged);
    for (const t of [admin, member]) {
      await t.client.sync();
      const view = (await t.client.groups())[0]!;
      expect(view.rosterValid).toBe(false);
      expect(view.epoch).toBe(cur.epoch);
      expect(view.members.map((m) => m.deviceId)).not.toContain(ghost.id);
      expect(t.events.some((e) => e.type === 'roster' && !e.valid)).toBe(true);
    }
    // messages keep flowing among the real members, each flagged so the app can warn
    await admin.client.send(groupId, 'after the forged commit');
    await member.client.sync(groupId);
    const after = messages(member).filter((e) => textOf(e) === 'after the forged commit');
    expect(after).toHaveLength(1);
    expect(after[0]!.flags).toMatchObject({ verified: true, invalidRoster: true });
    expect(envelopeRows(server.current.dbPath, groupId, ghost.id)).toEqual([]);
  });
});
