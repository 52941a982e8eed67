import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, toB64 } from '../../../shared/crypto/encoding';
import { LABELS } from '../../../shared/crypto/labels';
import { sign } from '../../../shared/crypto/primitives';
import { cryptoReady } from '../../../shared/crypto/sodium';
import { type DeviceKeys, devicePublic, generateDeviceKeys, rotateKx } from '../../../shared/protocol/device';
import {
  EpochEnvelopeError,
  type EpochEnvelopeErrorCode,
  MAX_EPOCH_ENVELOPE_BYTES,
  MIN_EPOCH_ENVELOPE_BYTES,
  newEpochSecret,
  openEpochEnvelope,
  peekEpochEnvelope,
  sealEpochSecret,
} from '../../../shared/protocol/epoch-envelope';
import type { RosterState } from '../../../shared/protocol/roster';
import { addOp, commitNext, idOf, makeGroup } from './fixtures';

beforeAll(cryptoReady);

function expectEnvError(f: () => unknown, code: EpochEnvelopeErrorCode) {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(EpochEnvelopeError);
    expect((e as EpochEnvelopeError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

const seal = (roster: RosterState, admin: DeviceKeys, to: DeviceKeys, secret = newEpochSecret()) =>
  sealEpochSecret({ secret, roster, admin, recipient: devicePublic(to) });

/** Re-signs an envelope's signed part with any key: what a signer who is not an admin could produce. */
function resign(env: Uint8Array, signSk: Uint8Array): Uint8Array {
  const signed = env.subarray(0, env.length - 64);
  return concatBytes(signed, sign(LABELS.epochEnvelope, signed, signSk));
}

describe('epoch envelopes', () => {
  it('carry the secret to every member, within the wire size limits', () => {
    const g = makeGroup(3);
    const secret = newEpochSecret();
    for (const m of g.members) {
      const env = sealEpochSecret({ secret, roster: g.roster, admin: g.admin, recipient: devicePublic(m) });
      expect(env.length).toBeGreaterThanOrEqual(MIN_EPOCH_ENVELOPE_BYTES);
      expect(env.length).toBeLessThanOrEqual(MAX_EPOCH_ENVELOPE_BYTES);
      expect(toB64(env)).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(
        openEpochEnvelope(env, { roster: g.roster, recipient: m, expected: { group: g.group, epoch: g.roster.epoch } }),
      ).toEqual(secret);
    }
  });

  it('name group, epoch, recipient, key version, commit and author, readable before verification', () => {
    const g = makeGroup(1);
    const m = g.members[1]!;
    expect(peekEpochEnvelope(seal(g.roster, g.admin, m))).toEqual({
      version: 1,
      group: g.group,
      epoch: g.roster.epoch,
      recipient: idOf(m),
      kxVersion: m.kxVersion,
      commitHash: g.roster.head,
      author: idOf(g.admin),
    });
  });

  it('do not open for another recipient', () => {
    const g = makeGroup(2);
    const env = seal(g.roster, g.admin, g.members[1]!);
    expectEnvError(() => openEpochEnvelope(env, { roster: g.roster, recipient: g.members[2]! }), 'wrong_recipient');
  });

  it('do not open for another epoch, commit or group', () => {
    const g = makeGroup(1);
    const m = g.members[1]!;
    const env = seal(g.roster, g.admin, m);
    const rotated = commitNext(g.roster, g.admin, []).state; // next epoch
    expectEnvError(() => openEpochEnvelope(env, { roster: rotated, recipient: m }), 'wrong_epoch');
    expectEnvError(
      () => openEpochEnvelope(env, { roster: g.roster, recipient: m, expected: { epoch: g.roster.epoch + 1 } }),
      'wrong_epoch',
    );
    const sameEpoch = commitNext(g.roster, g.admin, [{ op: 'settings', announcementOnly: true }], {
      epoch: g.roster.epoch,
    }).state;
    expectEnvError(() => openEpochEnvelope(env, { roster: sameEpoch, recipient: m }), 'wrong_commit');
    const other = makeGroup(1, [], [g.admin, m]);
    expectEnvError(() => openEpochEnvelope(env, { roster: other.roster, recipient: m }), 'wrong_group');
    expectEnvError(
      () => openEpochEnvelope(env, { roster: g.roster, recipient: m, expected: { group: other.group } }),
      'wrong_group',
    );
  });

  it('are refused from a signer who is not an admin at that commit', () => {
    const g = makeGroup(2, ['member', 'facilitator']);
    const [, member, facilitator] = g.members as [DeviceKeys, DeviceKeys, DeviceKeys];
    // the sealing side refuses outright
    expectEnvError(() => seal(g.roster, member, facilitator), 'not_admin');
    // a member or facilitator who signs anyway (sealing against a roster where she pretends to be admin)
    // is caught by the recipient, who checks the role in the real roster
    const asAdmin = (who: DeviceKeys): RosterState => ({
      ...g.roster,
      members: new Map(
        [...g.roster.members].map(([id, m]) => [id, id === idOf(who) ? { ...m, role: 'admin' as const } : m]),
      ),
    });
    for (const [signer, recipient] of [
      [member, facilitator],
      [facilitator, member],
    ] as const) {
      const env = seal(asAdmin(signer), signer, recipient);
      expect(peekEpochEnvelope(env).author).toBe(idOf(signer));
      expectEnvError(() => openEpochEnvelope(env, { roster: g.roster, recipient }), 'not_admin');
    }
    // an outsider naming the real admin as author fails the signature
    const env = seal(g.roster, g.admin, member);
    expectEnvError(
      () => openEpochEnvelope(resign(env, generateDeviceKeys().signSk), { roster: g.roster, recipient: member }),
      'bad_signature',
    );
    expectEnvError(
      () => openEpochEnvelope(resign(env, member.signSk), { roster: g.roster, recipient: member }),
      'bad_signature',
    );
  });

  it('are refused for a device the server added on its own (not in the signed roster)', () => {
    const g = makeGroup(1);
    const intruder = generateDeviceKeys();
    expectEnvError(() => seal(g.roster, g.admin, intruder), 'not_member');
    // even a record naming a member's id with the intruder's keys
    const rec = { ...devicePublic(intruder), deviceId: idOf(g.members[1]!) };
    expectEnvError(
      () => sealEpochSecret({ secret: newEpochSecret(), roster: g.roster, admin: g.admin, recipient: rec }),
      'wrong_recipient',
    );
    // and a member's identity with a swapped key-exchange key
    const swapped = { ...devicePublic(g.members[1]!), kxPk: devicePublic(intruder).kxPk };
    expectEnvError(
      () => sealEpochSecret({ secret: newEpochSecret(), roster: g.roster, admin: g.admin, recipient: swapped }),
      'wrong_recipient',
    );
    // and a removed member
    const removed = g.members[1]!;
    const after = commitNext(g.roster, g.admin, [{ op: 'remove', device: idOf(removed) }]).state;
    expectEnvError(() => seal(after, g.admin, removed), 'not_member');
  });

  it('refuse an envelope sealed to an older key-exchange key once the device rotated', () => {
    const g = makeGroup(1);
    const m = g.members[1]!;
    const env = seal(g.roster, g.admin, m);
    const rotated = rotateKx(m);
    expectEnvError(() => openEpochEnvelope(env, { roster: g.roster, recipient: rotated }), 'stale_kx');
    // and one sealed to the new key does not open with the old secret key
    const env2 = seal(g.roster, g.admin, rotated);
    expectEnvError(() => openEpochEnvelope(env2, { roster: g.roster, recipient: m }), 'stale_kx');
    expect(openEpochEnvelope(env2, { roster: g.roster, recipient: rotated })).toHaveLength(32);
  });

  it('bind the sealed secret to its envelope: a sealed box replanted into another signed envelope does not open', () => {
    const g = makeGroup(1);
    const m = g.members[1]!;
    const old = seal(g.roster, g.admin, m);
    const next = commitNext(g.roster, g.admin, [addOp(generateDeviceKeys())]).state;
    const fresh = seal(next, g.admin, m);
    // the sealed box sits right before the 64-byte signature in both
    const boxLen = 112;
    const replanted = concatBytes(
      fresh.subarray(0, fresh.length - 64 - boxLen),
      old.subarray(old.length - 64 - boxLen, old.length - 64),
    );
    const signed = concatBytes(replanted, sign(LABELS.epochEnvelope, replanted, g.admin.signSk));
    expectEnvError(() => openEpochEnvelope(signed, { roster: next, recipient: m }), 'unseal_failed');
  });

  it('reject truncated, extended and malformed envelopes', () => {
    const g = makeGroup(1);
    const m = g.members[1]!;
    const env = seal(g.roster, g.admin, m);
    for (const bad of [
      env.subarray(0, env.length - 1),
      concatBytes(env, new Uint8Array([0])),
      new Uint8Array(0),
      new Uint8Array(3000),
    ])
      expectEnvError(() => openEpochEnvelope(bad, { roster: g.roster, recipient: m }), 'malformed');
    const v2 = env.slice();
    v2[0] = 2;
    expectEnvError(
      () => openEpochEnvelope(resign(v2, g.admin.signSk), { roster: g.roster, recipient: m }),
      'unsupported_version',
    );
  });

  it('fail to open after any single bit flip', () => {
    const g = makeGroup(1);
    const m = g.members[1]!;
    const env = seal(g.roster, g.admin, m);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: env.length * 8 - 1 }), (bit) => {
        const t = env.slice();
        t[bit >> 3]! ^= 1 << (bit & 7);
        expect(() => openEpochEnvelope(t, { roster: g.roster, recipient: m })).toThrow(EpochEnvelopeError);
      }),
      { numRuns: 300 },
    );
  });
});
