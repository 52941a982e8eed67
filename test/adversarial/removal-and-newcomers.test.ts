// P5 and P6 at the protocol level, with the real epoch hand-over (signed
// envelopes sealed to X25519 keys): a removed member who kept everything she
// ever had cannot read what is sent after her removal, and a newcomer cannot
// read what was sent before she joined. The same through the client and a real
// server: test/client/cli/cli.test.ts (a removed member reads nothing after).
import { beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../shared/crypto/encoding';
import { randomBytes } from '../../shared/crypto/primitives';
import { cryptoReady } from '../../shared/crypto/sodium';
import type { DeviceKeys } from '../../shared/protocol/device';
import { devicePublic, generateDeviceKeys } from '../../shared/protocol/device';
import { newEpochSecret, openEpochEnvelope, sealEpochSecret } from '../../shared/protocol/epoch-envelope';
import { type EpochKeys, exportEpochKeys, importEpochKeys, openEpoch } from '../../shared/protocol/epoch-keys';
import {
  decryptMessage,
  encryptMessage,
  type MessageErrorCode,
  type Routing,
} from '../../shared/protocol/message-envelope';
import { addOp, commitNext, distributeEpoch, idOf, makeGroup } from '../shared/protocol/fixtures';

beforeAll(cryptoReady);

const routingOf = (k: EpochKeys): Routing => ({ group: k.group, epoch: k.epoch, kind: 'message' });

function expectCode(f: () => unknown, codes: (MessageErrorCode | string)[]) {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a failure').toBeDefined();
  expect(codes).toContain((err as { code?: string }).code);
}

/** Admin, alice and eve at epoch 2, each with keys from her own envelope. */
function groupOfThree() {
  const g = makeGroup(2);
  const [admin, alice, eve] = g.members as [DeviceKeys, DeviceKeys, DeviceKeys];
  const { keys, envelopes } = distributeEpoch(g.roster, admin, g.members);
  return { g, admin, alice, eve, keys, envelopes };
}

describe('a removed member (P5)', () => {
  it('gets no envelope for the next epoch and cannot use anyone else’s', () => {
    const { g, admin, alice, eve } = groupOfThree();
    const after = commitNext(g.roster, admin, [{ op: 'remove', device: idOf(eve) }]).state;
    expect(() =>
      sealEpochSecret({ secret: newEpochSecret(), roster: after, admin, recipient: devicePublic(eve) }),
    ).toThrow(expect.objectContaining({ code: 'not_member' }));
    const { envelopes } = distributeEpoch(after, admin, [admin, alice]);
    // alice's envelope, as eve: not hers; pretending to be alice, the sealed box does not open with eve's key
    expectCode(() => openEpochEnvelope(envelopes[1]!, { roster: after, recipient: eve }), ['wrong_recipient']);
    expectCode(
      () => openEpochEnvelope(envelopes[1]!, { roster: after, recipient: { ...eve, signPk: alice.signPk } }),
      ['unseal_failed'],
    );
    // and she cannot open the epoch with a secret of her own: she is not in its roster
    expect(() => openEpoch(randomBytes(32), after, idOf(eve))).toThrow(/not a member/);
  });

  it('cannot decrypt anything sent after her removal with the state she saved before it', () => {
    const { g, admin, alice, eve, keys } = groupOfThree();
    const saved = JSON.stringify(exportEpochKeys(keys[2]!)); // everything eve held for epoch 2
    const before = encryptMessage(keys[1]!, alice, 'message', utf8('before')).envelope;

    const after = commitNext(g.roster, admin, [{ op: 'remove', device: idOf(eve) }]).state;
    const next = distributeEpoch(after, admin, [admin, alice]).keys;
    const sentAfter = [
      encryptMessage(next[1]!, alice, 'message', utf8('after')).envelope,
      encryptMessage(next[0]!, admin, 'bulletin', utf8('notice')).envelope,
    ];

    for (const [i, env] of sentAfter.entries()) {
      const kind = i === 0 ? 'message' : 'bulletin';
      // under the routing the server shows (epoch 3): her keys are for epoch 2
      expectCode(
        () => decryptMessage(importEpochKeys(JSON.parse(saved)), env, { ...routingOf(next[0]!), kind }),
        ['binding'],
      );
      // relabelled as epoch 2 (a server helping her): the outer layer is bound to epoch 3's metadata key
      expectCode(
        () => decryptMessage(importEpochKeys(JSON.parse(saved)), env, { group: g.group, epoch: g.roster.epoch, kind }),
        ['bad_outer'],
      );
    }
    // what was sent before her removal she could read (that is not what P5 promises to hide)
    expect(decryptMessage(importEpochKeys(JSON.parse(saved)), before, routingOf(keys[2]!)).plaintext).toEqual(
      utf8('before'),
    );
    // the remaining members read the new epoch
    expect(decryptMessage(next[0]!, sentAfter[0]!, routingOf(next[0]!)).plaintext).toEqual(utf8('after'));
  });
});

describe('a newcomer (P6)', () => {
  it('cannot decrypt epochs before her join, even given their envelopes and ciphertext', () => {
    const { g, admin, alice, keys, envelopes } = groupOfThree();
    const history = encryptMessage(keys[1]!, alice, 'message', utf8('before nora')).envelope;
    const nora = generateDeviceKeys();
    const joined = commitNext(g.roster, admin, [addOp(nora)]).state;
    expect(joined.epoch).toBe(g.roster.epoch + 1);
    const [, aliceNow, noraKeys] = distributeEpoch(joined, admin, [admin, alice, nora]).keys as [
      EpochKeys,
      EpochKeys,
      EpochKeys,
    ];

    // her epoch's keys do not open the earlier epoch's messages
    expectCode(() => decryptMessage(noraKeys, history, routingOf(keys[1]!)), ['binding']);
    expectCode(() => decryptMessage(noraKeys, history, routingOf(noraKeys)), ['bad_outer']);
    // the earlier epoch's envelopes were sealed to others, under a roster without her
    for (const env of envelopes) {
      expectCode(() => openEpochEnvelope(env, { roster: g.roster, recipient: nora }), ['wrong_recipient']);
      expectCode(() => openEpochEnvelope(env, { roster: joined, recipient: nora }), ['wrong_epoch']);
    }
    // and the earlier epoch does not open for her even with its secret: she is not in that roster
    expect(() => openEpoch(randomBytes(32), g.roster, idOf(nora))).toThrow(/not a member/);
    // from her join on she reads everything
    const welcome = encryptMessage(aliceNow, alice, 'message', utf8('welcome')).envelope;
    expect(decryptMessage(noraKeys, welcome, routingOf(noraKeys)).plaintext).toEqual(utf8('welcome'));
  });
});
