// P7 across epochs: counters restart with each epoch, so a relay could drop a
// sender's last messages before a rotation, or every message of one member
// to another, and no counter would jump. Every member's epoch-check (posted
// when she opens an epoch, encrypted) says how far she read each sender in the
// previous epoch, her own posts included. Bora reaches the relay through the
// malicious proxy, which hides rows from her alone; the others talk to the
// relay directly (Alice through a second proxy that only notes which stored
// rows are hers, as the relay knows the sender of every post).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle } from '../../client/cli/context';
import type { GapsEvent } from '../../client/sdk/events';
import { useServer } from '../support/fixtures';
import { type MaliciousProxy, route, startMaliciousProxy } from '../support/malicious-proxy';
import { admitClients } from '../support/client-group';
import { newClient, removeTempDirs, type TestClient } from '../support/sdk-fixtures';

const server = useServer();
let toBora: MaliciousProxy;
let fromAlice: MaliciousProxy;
let admin: TestClient;
let alice: TestClient;
let bora: TestClient;
let carol: TestClient;
let groupId: string;
/** sequences the relay stored for Alice's posts */
const aliceSeqs = new Set<number>();
/** sequences the relay hides from Bora */
const hidden = new Set<number>();

const gapsOf = async (t: TestClient) => (await t.client.groups()).find((g) => g.groupId === groupId)!.openGaps;

beforeAll(async () => {
  toBora = await startMaliciousProxy(server.current);
  fromAlice = await startMaliciousProxy(server.current);
  fromAlice.rewriteResponses(route('POST', /\/messages$/), (body) => (aliceSeqs.add(body.seq), body));
  toBora.rewriteResponses(route('GET', /\/messages$/), (body) => ({
    ...body,
    messages: body.messages.filter((m: { seq: number }) => !hidden.has(m.seq)),
  }));
  admin = await newClient(server.current.url, 'Admin');
  alice = await newClient(fromAlice.url, 'Alice');
  bora = await newClient(toBora.url, 'Bora');
  carol = await newClient(server.current.url); // no display name, and she never writes
  groupId = await admin.client.createGroup('p7-epochs');
  await admitClients(admin, groupId, [
    [alice, 'member'],
    [bora, 'member'],
    [carol, 'member'],
  ]);
  await Promise.all([alice, bora, carol].map((t) => settle(t.client)));
});

afterAll(async () => {
  await Promise.all([admin, alice, bora, carol].map((t) => settle(t.client)));
  await Promise.all([toBora, fromAlice].map((p) => p.close()));
  await removeTempDirs();
});

/** The admin reads everything and starts a new epoch; everyone opens it and posts an epoch-check; Bora catches up last. */
async function rotate(): Promise<void> {
  await admin.client.sync(groupId);
  await admin.client.rotateEpoch(groupId);
  for (const t of [alice, carol]) await settle(t.client);
  await admin.client.sync(groupId);
  await bora.client.sync(groupId);
  await settle(bora.client);
}

describe('a relay that hides messages across an epoch change', () => {
  it("Alice's last message before a rotation, hidden from Bora, shows as missing after the rotation", async () => {
    await alice.client.send(groupId, 'read by all');
    const tail = await alice.client.send(groupId, 'the tail');
    hidden.add(tail.seq);
    await bora.client.sync(groupId);
    expect(await gapsOf(bora)).toEqual([]); // nothing jumped: the tail is the last
    const epoch = bora.client.states.get(groupId)!.latestEpoch;
    await rotate();
    expect(await gapsOf(bora)).toEqual([{ epoch, sender: alice.client.deviceId, missing: 1, hidden: false }]);
    expect(bora.events.filter((e): e is GapsEvent => e.type === 'gaps').at(-1)?.open).toHaveLength(1);
    expect(await gapsOf(carol)).toEqual([]);
  });

  it('every message of Alice hidden from Bora shows as a hidden member; Carol, who never writes, raises nothing', async () => {
    const hideAlice = toBora.rewriteResponses(route('GET', /\/messages$/), (body) => ({
      ...body,
      messages: body.messages.filter((m: { seq: number }) => !aliceSeqs.has(m.seq)),
    }));
    await rotate(); // from this epoch on, Bora reads nothing of Alice, not even her epoch-check
    const epoch = bora.client.states.get(groupId)!.latestEpoch;
    await alice.client.send(groupId, 'Bora never sees this');
    await rotate();
    hideAlice();
    const open = (await gapsOf(bora)).filter((g) => g.epoch === epoch);
    expect(open).toEqual([{ epoch, sender: alice.client.deviceId, missing: expect.any(Number), hidden: true }]);
    expect((await gapsOf(bora)).some((g) => g.sender === carol.client.deviceId)).toBe(false);
  });
});
