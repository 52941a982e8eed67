import { beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from '../../../shared/crypto/primitives';
import { cryptoReady } from '../../../shared/crypto/sodium';
import { generateDeviceKeys } from '../../../shared/protocol/device';
import { exportEpochKeys, importEpochKeys, openEpoch, wipeEpochKeys } from '../../../shared/protocol/epoch-keys';
import { ChainError } from '../../../shared/protocol/sender-chain';
import { idOf, makeGroup, openAll } from './fixtures';

beforeAll(cryptoReady);

describe('epoch keys', () => {
  it('give every member the same metadata key and matching chains, and wipe the secret', () => {
    const g = makeGroup(2);
    const secret = randomBytes(32);
    const keys = g.members.map((d) => openEpoch(secret.slice(), g.roster, idOf(d)));
    const [a, b, c] = keys as [(typeof keys)[0], (typeof keys)[0], (typeof keys)[0]];
    expect(a.metadataKey).toEqual(b.metadataKey);
    expect(b.metadataKey).toEqual(c.metadataKey);
    // a's sending chain starts where every member's receiving chain for a starts
    expect(b.members.get(a.self)!.chain.chainKey).toEqual(a.sending.chainKey);
    expect(c.members.get(a.self)!.chain.chainKey).toEqual(a.sending.chainKey);
    expect(a.members.get(b.self)!.chain.chainKey).not.toEqual(a.sending.chainKey);
    expect([...a.members.keys()].sort()).toEqual([...g.roster.members.keys()].sort());

    openEpoch(secret, g.roster, idOf(g.admin));
    expect(secret.every((x) => x === 0)).toBe(true);
  });

  it('refuse a device that is not in the roster', () => {
    const g = makeGroup(1);
    expect(() => openEpoch(randomBytes(32), g.roster, idOf(generateDeviceKeys()))).toThrow();
  });

  it('round-trip through JSON and wipe on request', () => {
    const g = makeGroup(1);
    const [keys] = openAll(g);
    const json = JSON.parse(JSON.stringify(exportEpochKeys(keys!)));
    const back = importEpochKeys(json);
    expect(exportEpochKeys(back)).toEqual(exportEpochKeys(keys!));
    const md = back.metadataKey;
    wipeEpochKeys(back);
    expect(md.every((x) => x === 0)).toBe(true);
    expect(back.members.size).toBe(0);
    expect(() => importEpochKeys({ ...json, v: 2 })).toThrow(ChainError);
    expect(() => importEpochKeys({ ...json, metadataKey: 'abc' })).toThrow(ChainError);
    expect(() => importEpochKeys({ ...json, self: 'someone-else-entirely' })).toThrow(ChainError);
  });
});
