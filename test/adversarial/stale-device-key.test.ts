// P8 healing against a relay that serves an old key: Bora rotates her X25519
// key, and the server answers the admin's request for her device record with
// the record it held before, so the next epoch is sealed to the key she
// retired (a thief with a copy of that key would read on). Bora's client
// does not open that envelope: it warns and asks the admins for a fresh
// epoch; with the server honest again, the admin's client starts one sealed
// to her new key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle } from '../../client/cli/context';
import type { StaleKeyEvent } from '../../client/sdk/events';
import { fromB64 } from '../../shared/crypto/encoding';
import { openEpochEnvelope, peekEpochEnvelope } from '../../shared/protocol/epoch-envelope';
import { withDb } from '../support/db-tamper';
import { useServer } from '../support/fixtures';
import { type MaliciousProxy, route, startMaliciousProxy } from '../support/malicious-proxy';
import { removeTempDirs, type TestClient } from '../support/sdk-fixtures';
import { clientGroup } from '../support/client-group';

const server = useServer();
let proxy: MaliciousProxy;
let admin: TestClient;
let bora: TestClient;
let groupId: string;
/** Bora's device record as the relay first served it, and whether the proxy serves it instead of the current one. */
let oldRecord: unknown = null;
let replayOldRecord = false;

/** The sealed envelope the relay holds for Bora at this epoch. */
const envelopeFor = (epoch: number): Uint8Array =>
  fromB64(
    withDb(
      server.current.dbPath,
      (db) =>
        (
          db
            .prepare('SELECT sealed FROM key_envelopes WHERE group_id = ? AND recipient = ? AND epoch = ?')
            .get(groupId, bora.client.deviceId, epoch) as { sealed: string }
        ).sealed,
    ),
  );

const isStaleKey = (e: { type: string }): e is StaleKeyEvent => e.type === 'stale-key';

async function until(condition: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  proxy = await startMaliciousProxy(server.current);
  // Every answer carrying Bora's device record (GET /v1/devices/{id}, and the group's list the admin
  // seals an epoch from) goes through here: her first record is kept, and served again on demand.
  const served = (record: { deviceId: string }) => {
    if (!bora || record.deviceId !== bora.client.deviceId) return record;
    oldRecord ??= record;
    return replayOldRecord ? oldRecord : record;
  };
  proxy.rewriteResponses(route('GET', /^\/v1\/devices\/[^/]+$/), (body) => served(body));
  proxy.rewriteResponses(route('GET', /^\/v1\/groups\/[^/]+\/devices$/), (body) => ({
    devices: body.devices.map(served),
  }));
  const g = await clientGroup(proxy.url, 'stale-key', [['Bora', 'member']]);
  [admin, bora, groupId] = [g.admin, g.others[0]!, g.groupId];
  await admin.client.rotateEpoch(groupId); // the admin fetches Bora's record (the proxy keeps it)
  await bora.client.sync(groupId);
  await admin.client.connect(); // hears `rekey` requests
});

afterAll(async () => {
  await admin.client.disconnect();
  await Promise.all([admin, bora].map((t) => settle(t.client)));
  await proxy.close();
  await removeTempDirs();
});

describe('a relay that serves an admin the key a member retired', () => {
  it('seals the next epoch to her old key: a copy of that key would open it, but Bora does not, warns, and asks for a fresh epoch', async () => {
    expect(oldRecord).not.toBeNull();
    const oldKeys = bora.client.identity.keys; // what a thief copied before the rotation
    const rotatedAt = bora.client.states.get(groupId)!.chain.current.epoch;
    await bora.client.rotateDeviceKey();
    expect(bora.client.identity.keys.kxVersion).toBe(oldKeys.kxVersion + 1);

    replayOldRecord = true;
    await admin.client.rotateEpoch(groupId);
    replayOldRecord = false; // the server is honest again from here on: the fresh epoch will heal
    const attacked = rotatedAt + 1;
    const sealed = envelopeFor(attacked);
    expect(peekEpochEnvelope(sealed).kxVersion).toBe(oldKeys.kxVersion);
    // the attack has teeth: the retired key opens it
    const roster = admin.client.states.get(groupId)!.chain.atEpoch(attacked)!;
    expect(openEpochEnvelope(sealed, { roster, recipient: oldKeys }).length).toBe(32);

    await bora.client.sync(groupId);
    const state = bora.client.states.get(groupId)!;
    expect(state.keys.has(attacked)).toBe(false);
    expect(bora.events.filter(isStaleKey)).toEqual([{ type: 'stale-key', groupId, epoch: attacked }]);
    expect((await bora.client.groups()).find((g) => g.groupId === groupId)!.staleKey).toBe(true);
  });

  it('the admin’s client answers the request with a fresh epoch sealed to her new key, and the warning clears', async () => {
    const attacked = bora.events.find(isStaleKey)!.epoch;
    await until(() => admin.client.states.get(groupId)!.chain.current.epoch > attacked);
    const fresh = admin.client.states.get(groupId)!.chain.current.epoch;
    await until(async () => {
      await bora.client.sync(groupId);
      return bora.client.states.get(groupId)!.keys.has(fresh);
    });
    expect(peekEpochEnvelope(envelopeFor(fresh)).kxVersion).toBe(bora.client.identity.keys.kxVersion);
    expect((await bora.client.groups()).find((g) => g.groupId === groupId)!.staleKey).toBe(false);
    // and the group talks again in the healed epoch
    const { seq } = await admin.client.send(groupId, 'after healing');
    await bora.client.sync(groupId);
    expect(
      (await bora.client.history(groupId)).some(
        (e) => e.seq === seq && e.content.type === 'text' && e.content.text === 'after healing',
      ),
    ).toBe(true);
    expect(bora.events.filter(isStaleKey)).toHaveLength(1);
  });

  it('once the admin has seen her new key, a relay that serves the old record again gets no epoch sealed to it', async () => {
    const current = bora.client.identity.keys.kxVersion;
    replayOldRecord = true;
    await admin.client.rotateEpoch(groupId);
    replayOldRecord = false;
    const epoch = admin.client.states.get(groupId)!.chain.current.epoch;
    const row = withDb(server.current.dbPath, (db) =>
      db
        .prepare('SELECT sealed FROM key_envelopes WHERE group_id = ? AND recipient = ? AND epoch = ?')
        .get(groupId, bora.client.deviceId, epoch),
    ) as { sealed: string } | undefined;
    // Either nothing for her in that epoch (her record did not check out), or sealed to her current key: never the retired one.
    expect(row ? peekEpochEnvelope(fromB64(row.sealed)).kxVersion : current).toBe(current);
  });
});
