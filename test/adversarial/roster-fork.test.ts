// P14: a relay that forks the group. Two admins each sign a commit at the same
// sequence (settings changes, so the epoch and its keys stay shared); the
// relay stores Alice's, and the malicious proxy serves Bora a branch with
// Dana's instead. Both branches verify. Every member posts her roster head in
// an encrypted epoch-check when her roster changes, so Alice learns from
// Bora's and Bora from Alice's that the server shows them different versions
// of the group; their safety-number screens show different roster heads too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle } from '../../client/cli/context';
import type { ForkEvent } from '../../client/sdk/events';
import { signCommit } from '../../shared/protocol/roster';
import { useServer } from '../support/fixtures';
import { type MaliciousProxy, route, startMaliciousProxy } from '../support/malicious-proxy';
import { admitClients } from '../support/client-group';
import { newClient, removeTempDirs, type TestClient } from '../support/sdk-fixtures';

const server = useServer();
let proxy: MaliciousProxy;
let alice: TestClient;
let dana: TestClient;
let bora: TestClient;
let groupId: string;

const view = async (t: TestClient) => (await t.client.groups()).find((g) => g.groupId === groupId)!;
const forkEvents = (t: TestClient) => t.events.filter((e): e is ForkEvent => e.type === 'fork');

/** A settings commit by this admin at the next sequence, keeping the epoch (legal: no member changes). */
function settingsCommit(t: TestClient, settings: { retentionSeconds?: number | null; announcementOnly?: boolean }) {
  const cur = t.client.states.get(groupId)!.chain.current;
  const body = {
    v: 1 as const,
    group: groupId,
    seq: cur.seq + 1,
    prev: cur.head,
    epoch: cur.epoch,
    author: t.client.deviceId,
    ops: [{ op: 'settings' as const, ...settings }],
  };
  return signCommit(body, t.client.identity.keys.signSk);
}

beforeAll(async () => {
  proxy = await startMaliciousProxy(server.current);
  alice = await newClient(server.current.url, 'Alice');
  dana = await newClient(server.current.url, 'Dana');
  bora = await newClient(proxy.url, 'Bora');
  groupId = await alice.client.createGroup('p14-fork');
  await admitClients(alice, groupId, [
    [dana, 'member'],
    [bora, 'member'],
  ]);
  await alice.client.setRole(groupId, dana.client.deviceId, 'admin');
  for (const t of [dana, bora, alice]) await settle(t.client);
});

afterAll(async () => {
  await Promise.all([alice, dana, bora].map((t) => settle(t.client)));
  await proxy.close();
  await removeTempDirs();
});

describe('a relay that serves two members different branches of the roster', () => {
  it('the members’ encrypted epoch-checks reveal the fork to both, and the safety-number screens differ', async () => {
    const theirs = settingsCommit(dana, { retentionSeconds: 7 * 24 * 3600 }); // Dana's commit: never stored by the relay
    const ours = settingsCommit(alice, { announcementOnly: true });
    await alice.client.session.call((api) => api.appendCommit(groupId, ours));
    const seq = alice.client.states.get(groupId)!.chain.current.seq + 1;
    proxy.rewriteResponses(route('GET', /\/roster$/), (body) => ({
      ...body,
      commits: body.commits.map((e: { seq: number }) => (e.seq === seq ? { seq, commit: theirs } : e)),
    }));
    // Each learns her branch; each posts an epoch-check with her head; each reads the other's.
    for (const t of [alice, bora, alice, bora]) await settle(t.client);
    expect((await view(alice)).rosterHead.seq).toBe(seq);
    expect((await view(bora)).rosterHead.seq).toBe(seq);
    expect((await view(alice)).rosterHead.head).not.toBe((await view(bora)).rosterHead.head); // the fork is real
    expect((await view(alice)).fork).toBe(true);
    expect((await view(bora)).fork).toBe(true);
    expect(forkEvents(alice)).toEqual([expect.objectContaining({ seq, sender: bora.client.deviceId })]);
    expect(forkEvents(bora)).toEqual([expect.objectContaining({ seq, sender: alice.client.deviceId })]);
    const a = await alice.client.safetyNumber(groupId, bora.client.deviceId);
    const b = await bora.client.safetyNumber(groupId, alice.client.deviceId);
    expect(a.digits).toBe(b.digits); // the keys are the same ...
    expect(a.roster.seq).toBe(b.roster.seq);
    expect(a.roster.hash).not.toBe(b.roster.hash); // ... the roster they verified is not
  });
});
