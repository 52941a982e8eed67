// P8 against someone who copies a device's whole key state now (adversary c, or
// a server that later obtains such a copy): the copy cannot decrypt messages
// whose keys the device already deleted, nor an epoch whose keys were dropped
// after the grace period, nor any epoch started after the device's next X25519
// rotation. (message-envelope.test.ts covers the single-chain case: "cannot
// decrypt message 5 again from a state snapshot taken after reading it".)
import { beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../shared/crypto/encoding';
import { cryptoReady } from '../../shared/crypto/sodium';
import { type DeviceKeys, rotateKx } from '../../shared/protocol/device';
import { openEpochEnvelope } from '../../shared/protocol/epoch-envelope';
import { type EpochKeys, exportEpochKeys, importEpochKeys, wipeEpochKeys } from '../../shared/protocol/epoch-keys';
import { decryptMessage, encryptMessage, type Routing } from '../../shared/protocol/message-envelope';
import { commitNext, distributeEpoch, makeGroup } from '../shared/protocol/fixtures';

beforeAll(cryptoReady);

const routingOf = (k: EpochKeys): Routing => ({ group: k.group, epoch: k.epoch, kind: 'message' });

/** What a thief copies off a device: its identity and key-exchange keys, and its epoch state. */
function snapshot(device: DeviceKeys, epochs: EpochKeys[]) {
  return {
    device: { ...device, kxSk: device.kxSk.slice(), signSk: device.signSk.slice() },
    epochs: epochs.map((k) => JSON.stringify(exportEpochKeys(k))),
  };
}

function group() {
  const g = makeGroup(2);
  const [admin, alice, bob] = g.members as [DeviceKeys, DeviceKeys, DeviceKeys];
  const [adminKeys, aliceKeys, bobKeys] = distributeEpoch(g.roster, admin, g.members).keys as [
    EpochKeys,
    EpochKeys,
    EpochKeys,
  ];
  return { g, admin, alice, bob, adminKeys, aliceKeys, bobKeys };
}

describe('a device snapshot taken now', () => {
  it('cannot decrypt messages from several senders that the device already read (their keys are deleted)', () => {
    const { alice, admin, bob, aliceKeys, adminKeys, bobKeys } = group();
    const read = [
      ...[0, 1, 2].map((i) => encryptMessage(aliceKeys, alice, 'message', utf8(`a${i}`)).envelope),
      ...[0, 1].map((i) => encryptMessage(adminKeys, admin, 'bulletin', utf8(`b${i}`)).envelope),
    ];
    const kinds = ['message', 'message', 'message', 'bulletin', 'bulletin'] as const;
    read.forEach((env, i) => decryptMessage(bobKeys, env, { ...routingOf(bobKeys), kind: kinds[i]! }));
    const stolen = importEpochKeys(JSON.parse(snapshot(bob, [bobKeys]).epochs[0]!));
    read.forEach((env, i) =>
      expect(() => decryptMessage(stolen, env, { ...routingOf(stolen), kind: kinds[i]! })).toThrow(
        expect.objectContaining({ code: 'replay' }),
      ),
    );
    // a message still unread at the time of the copy is readable from it (the current epoch is exposed until it ends)
    const later = encryptMessage(aliceKeys, alice, 'message', utf8('later')).envelope;
    expect(decryptMessage(stolen, later, routingOf(stolen)).plaintext).toEqual(utf8('later'));
  });

  it('cannot decrypt an old epoch once its keys were dropped after the grace period', () => {
    const { g, admin, alice, bob, aliceKeys, bobKeys } = group();
    const old = encryptMessage(aliceKeys, alice, 'message', utf8('old, unread')).envelope;
    const next = commitNext(g.roster, admin, []).state; // periodic rotation
    distributeEpoch(next, admin, [admin, alice, bob]);
    wipeEpochKeys(bobKeys); // grace period over
    const stolen = snapshot(bob, [bobKeys]);
    expect(JSON.parse(stolen.epochs[0]!).members).toEqual({});
    expect(() => decryptMessage(importEpochKeys(JSON.parse(stolen.epochs[0]!)), old, routingOf(bobKeys))).toThrow();
  });

  it('cannot open any epoch started after the device rotates its X25519 key', () => {
    const { g, admin, alice, bob, bobKeys } = group();
    const stolen = snapshot(bob, [bobKeys]);

    // bob rotates his key-exchange key (on schedule) and publishes it; the next epoch is sealed to it
    const bobNow = rotateKx(bob);
    const next = commitNext(g.roster, admin, []).state;
    const { envelopes, keys } = distributeEpoch(next, admin, [admin, alice, bobNow]);
    const aliceNext = keys[1]!;
    const secretMsg = encryptMessage(aliceNext, alice, 'message', utf8('after rotation')).envelope;

    // the copy holds the old X25519 key: the envelope names the new version, and forcing it does not help
    expect(() => openEpochEnvelope(envelopes[2]!, { roster: next, recipient: stolen.device })).toThrow(
      expect.objectContaining({ code: 'stale_kx' }),
    );
    expect(() =>
      openEpochEnvelope(envelopes[2]!, { roster: next, recipient: { ...stolen.device, kxVersion: bobNow.kxVersion } }),
    ).toThrow(expect.objectContaining({ code: 'unseal_failed' }));
    // the copied epoch state is for the epoch before
    const oldKeys = importEpochKeys(JSON.parse(stolen.epochs[0]!));
    expect(() => decryptMessage(oldKeys, secretMsg, routingOf(aliceNext))).toThrow(
      expect.objectContaining({ code: 'binding' }),
    );
    expect(() => decryptMessage(oldKeys, secretMsg, routingOf(oldKeys))).toThrow(
      expect.objectContaining({ code: 'bad_outer' }),
    );
    // while bob himself reads on
    expect(decryptMessage(keys[2]!, secretMsg, routingOf(keys[2]!)).plaintext).toEqual(utf8('after rotation'));
  });
});
