import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, toB64, u32be, utf8 } from '../../../shared/crypto/encoding';
import { LABELS } from '../../../shared/crypto/labels';
import { randomBytes, sign } from '../../../shared/crypto/primitives';
import { cryptoReady } from '../../../shared/crypto/sodium';
import type { DeviceKeys } from '../../../shared/protocol/device';
import { type EpochKeys, exportEpochKeys, importEpochKeys, openEpoch } from '../../../shared/protocol/epoch-keys';
import {
  decodeHeader,
  decryptMessage,
  encodeHeader,
  encryptMessage,
  MessageError,
  type MessageErrorCode,
  maxPlaintextBytes,
  openOuter,
  type Routing,
  sealOuter,
} from '../../../shared/protocol/message-envelope';
import type { MessageKind } from '../../../shared/protocol/posting-rules';
import { ENVELOPE_BUCKETS, isBucketLength, MAX_ENVELOPE_BYTES } from '../../../shared/protocol/padding';
import { decodePlaintext, encodePlaintext, type Plaintext } from '../../../shared/protocol/plaintext';
import { derivationCount, MAX_COUNTER, MAX_FORWARD_DISTANCE, nextSendKey } from '../../../shared/protocol/sender-chain';
import { commitNext, idOf, makeGroup, openAll } from './fixtures';

beforeAll(cryptoReady);

function expectMsgError(f: () => unknown, code: MessageErrorCode) {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(MessageError);
    expect((e as MessageError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

const routingOf = (k: EpochKeys, kind: MessageKind = 'message'): Routing => ({ group: k.group, epoch: k.epoch, kind });
const text = (s: string) => utf8(s);

/** A group of admin + 2 members: alice (index 1) sends, bob (index 2) receives. */
function setup(roles: ('member' | 'facilitator' | 'admin')[] = []) {
  const g = makeGroup(2, roles);
  const keys = openAll(g);
  const [, alice, bob] = g.members as [DeviceKeys, DeviceKeys, DeviceKeys];
  return { g, alice, bob, aliceKeys: keys[1]!, bobKeys: keys[2]!, adminKeys: keys[0]! };
}

/** Splits an inner layer into its parts (layout from docs/PROTOCOL.md). */
function splitInner(inner: Uint8Array) {
  const hlen = (inner[0]! << 8) | inner[1]!;
  const headerBytes = inner.slice(2, 2 + hlen);
  const nonce = inner.slice(2 + hlen, 2 + hlen + 24);
  const sig = inner.slice(2 + hlen + 24, 2 + hlen + 88);
  const ct = inner.slice(2 + hlen + 88);
  return { header: decodeHeader(headerBytes).header, headerBytes, nonce, sig, ct };
}

function joinInner(headerBytes: Uint8Array, nonce: Uint8Array, sig: Uint8Array, ct: Uint8Array) {
  return concatBytes(new Uint8Array([headerBytes.length >> 8, headerBytes.length & 0xff]), headerBytes, nonce, sig, ct);
}

/** A malicious member: opens the outer layer, edits the header (re-signing with `signer`), seals it under other routing. */
function forge(
  env: Uint8Array,
  from: { keys: EpochKeys; routing: Routing },
  to: { keys: EpochKeys; routing: Routing },
  edit: { header?: Partial<Parameters<typeof encodeHeader>[0]>; signer?: DeviceKeys } = {},
) {
  const parts = splitInner(openOuter(from.keys.metadataKey, from.routing, env));
  let headerBytes: Uint8Array = parts.headerBytes;
  let sig: Uint8Array = parts.sig;
  if (edit.header) headerBytes = encodeHeader({ ...parts.header, ...edit.header });
  if (edit.signer)
    sig = sign(
      LABELS.messageSig,
      concatBytes(u32be(headerBytes.length), headerBytes, parts.nonce, parts.ct),
      edit.signer.signSk,
    );
  return sealOuter(to.keys.metadataKey, to.routing, joinInner(headerBytes, parts.nonce, sig, parts.ct));
}

describe('message envelopes', () => {
  it('round-trip for every kind, and every member reads them', () => {
    const { g, alice, aliceKeys, bobKeys, adminKeys } = setup(['facilitator']);
    for (const kind of ['message', 'bulletin', 'meta'] as const) {
      const { envelope, header, clientMsgId } = encryptMessage(aliceKeys, alice, kind, text(`hello ${kind}`));
      expect(header).toMatchObject({ kind, group: g.group, epoch: g.roster.epoch, sender: idOf(alice) });
      expect(clientMsgId).toBe(toB64(header.messageId));
      for (const k of [bobKeys, adminKeys, aliceKeys]) {
        const out = decryptMessage(
          k,
          envelope,
          { ...routingOf(k, kind), messageId: clientMsgId },
          { roster: g.roster },
        );
        expect(out.plaintext).toEqual(text(`hello ${kind}`));
        expect(out.header).toEqual(header);
      }
    }
  });

  it('are exactly a bucket long, for every plaintext size up to the maximum', () => {
    const { alice, aliceKeys, bobKeys } = setup();
    const max = maxPlaintextBytes(aliceKeys.group, aliceKeys.self);
    const seen = new Set<number>();
    for (const n of [0, 1, 15, 16, 17, 100, 300, 1000, 5000, 30000, 60000, max]) {
      const { envelope } = encryptMessage(aliceKeys, alice, 'message', randomBytes(n));
      expect(isBucketLength(envelope.length)).toBe(true);
      seen.add(envelope.length);
      expect(decryptMessage(bobKeys, envelope, routingOf(bobKeys)).plaintext).toHaveLength(n);
    }
    expect(seen.has(ENVELOPE_BUCKETS[0])).toBe(true);
    expect(seen.has(MAX_ENVELOPE_BYTES)).toBe(true);
    expectMsgError(() => encryptMessage(aliceKeys, alice, 'message', randomBytes(max + 1)), 'too_large');
  });

  it('fill each bucket exactly to its edge', () => {
    const { alice, aliceKeys } = setup();
    const max = maxPlaintextBytes(aliceKeys.group, aliceKeys.self);
    const overhead = MAX_ENVELOPE_BYTES - max;
    for (const b of ENVELOPE_BUCKETS) {
      if (b - overhead < 0) continue;
      expect(encryptMessage(aliceKeys, alice, 'message', randomBytes(b - overhead)).envelope.length).toBe(b);
      if (b < MAX_ENVELOPE_BYTES)
        expect(
          encryptMessage(aliceKeys, alice, 'message', randomBytes(b - overhead + 1)).envelope.length,
        ).toBeGreaterThan(b);
    }
  });

  it('hide the sender, counter and message id from anyone without the epoch secret', () => {
    const { alice, aliceKeys } = setup();
    const { envelope, header } = encryptMessage(aliceKeys, alice, 'message', text('x'));
    const hay = Buffer.from(envelope);
    for (const needle of [utf8(header.sender), alice.signPk, header.messageId, utf8(header.group)])
      expect(hay.indexOf(Buffer.from(needle))).toBe(-1);
  });

  it('are not readable by a member of another epoch or an outsider', () => {
    const { g, alice, aliceKeys } = setup();
    const { envelope } = encryptMessage(aliceKeys, alice, 'message', text('x'));
    const rotated = commitNext(g.roster, g.admin, []).state;
    const nextKeys = openEpoch(randomBytes(32), rotated, idOf(g.members[2]!));
    expectMsgError(() => decryptMessage(nextKeys, envelope, routingOf(nextKeys)), 'bad_outer');
    // same epoch number and group, but not given the secret (e.g. a removed member guessing)
    const outsider = openEpoch(randomBytes(32), g.roster, idOf(g.members[2]!));
    expectMsgError(() => decryptMessage(outsider, envelope, routingOf(outsider)), 'bad_outer');
  });
});

describe('binding (P3): moved ciphertext fails', () => {
  it('to another kind, group or epoch as the server relabels it', () => {
    const { alice, aliceKeys, bobKeys } = setup();
    const { envelope } = encryptMessage(aliceKeys, alice, 'message', text('x'));
    expectMsgError(() => decryptMessage(bobKeys, envelope, routingOf(bobKeys, 'bulletin')), 'bad_outer');
    expectMsgError(() => decryptMessage(bobKeys, envelope, routingOf(bobKeys, 'meta')), 'bad_outer');
    expectMsgError(
      () => decryptMessage(bobKeys, envelope, { ...routingOf(bobKeys), epoch: bobKeys.epoch + 1 }),
      'binding',
    );
    expectMsgError(
      () => decryptMessage(bobKeys, envelope, { ...routingOf(bobKeys), group: 'another-group-id-xyz' }),
      'binding',
    );
    expectMsgError(
      () => decryptMessage(bobKeys, envelope, { ...routingOf(bobKeys), messageId: randomBytes(16) }),
      'binding',
    );
    // the untouched envelope still opens: failures changed nothing
    expect(decryptMessage(bobKeys, envelope, routingOf(bobKeys)).plaintext).toEqual(text('x'));
  });

  it('to another kind by a member who re-wraps the outer layer', () => {
    const { alice, aliceKeys, bobKeys } = setup(['admin', 'admin']);
    const { envelope } = encryptMessage(aliceKeys, alice, 'message', text('x'));
    const moved = forge(
      envelope,
      { keys: bobKeys, routing: routingOf(bobKeys) },
      { keys: bobKeys, routing: routingOf(bobKeys, 'bulletin') },
    );
    expectMsgError(() => decryptMessage(bobKeys, moved, routingOf(bobKeys, 'bulletin')), 'binding');
    // and if she also rewrites the header's kind, the signature no longer matches
    const rewritten = forge(
      envelope,
      { keys: bobKeys, routing: routingOf(bobKeys) },
      { keys: bobKeys, routing: routingOf(bobKeys, 'bulletin') },
      { header: { kind: 'bulletin' } },
    );
    expectMsgError(() => decryptMessage(bobKeys, rewritten, routingOf(bobKeys, 'bulletin')), 'bad_signature');
  });

  it('to another group by a member of both', () => {
    const { g, alice, bob, aliceKeys, bobKeys } = setup();
    const g2 = makeGroup(2, [], [g.admin, alice, bob]);
    const bobKeys2 = openAll(g2)[2]!;
    const { envelope } = encryptMessage(aliceKeys, alice, 'message', text('x'));
    const moved = forge(
      envelope,
      { keys: bobKeys, routing: routingOf(bobKeys) },
      { keys: bobKeys2, routing: routingOf(bobKeys2) },
    );
    expectMsgError(() => decryptMessage(bobKeys2, moved, routingOf(bobKeys2)), 'binding');
    const rewritten = forge(
      envelope,
      { keys: bobKeys, routing: routingOf(bobKeys) },
      { keys: bobKeys2, routing: routingOf(bobKeys2) },
      { header: { group: g2.group } },
    );
    expectMsgError(() => decryptMessage(bobKeys2, rewritten, routingOf(bobKeys2)), 'bad_signature');
    // even re-signed by the real sender (she cannot be forced to, but suppose), the inner AEAD binds the header
    const resigned = forge(
      envelope,
      { keys: bobKeys, routing: routingOf(bobKeys) },
      { keys: bobKeys2, routing: routingOf(bobKeys2) },
      { header: { group: g2.group }, signer: alice },
    );
    expectMsgError(() => decryptMessage(bobKeys2, resigned, routingOf(bobKeys2)), 'bad_ciphertext');
  });

  it('to another epoch of the same group', () => {
    const { g, alice, aliceKeys, bobKeys } = setup();
    const rotated = commitNext(g.roster, g.admin, []).state;
    const secret = randomBytes(32);
    const bobNext = openEpoch(secret.slice(), rotated, idOf(g.members[2]!));
    const { envelope } = encryptMessage(aliceKeys, alice, 'message', text('x'));
    const moved = forge(
      envelope,
      { keys: bobKeys, routing: routingOf(bobKeys) },
      { keys: bobNext, routing: routingOf(bobNext) },
    );
    expectMsgError(() => decryptMessage(bobNext, moved, routingOf(bobNext)), 'binding');
    const resigned = forge(
      envelope,
      { keys: bobKeys, routing: routingOf(bobKeys) },
      { keys: bobNext, routing: routingOf(bobNext) },
      { header: { epoch: bobNext.epoch }, signer: alice },
    );
    expectMsgError(() => decryptMessage(bobNext, resigned, routingOf(bobNext)), 'bad_ciphertext');
  });

  it('to another sender', () => {
    const { alice, bob, aliceKeys, adminKeys } = setup();
    const { envelope } = encryptMessage(aliceKeys, alice, 'message', text('x'));
    const r = routingOf(adminKeys);
    // bob claims alice's message as his, signing it himself: the inner AEAD is bound to alice's chain and header
    const claimed = forge(
      envelope,
      { keys: adminKeys, routing: r },
      { keys: adminKeys, routing: r },
      { header: { sender: idOf(bob) }, signer: bob },
    );
    expectMsgError(() => decryptMessage(adminKeys, claimed, r), 'bad_ciphertext');
    // without re-signing, bob's key does not verify alice's signature
    const renamed = forge(
      envelope,
      { keys: adminKeys, routing: r },
      { keys: adminKeys, routing: r },
      { header: { sender: idOf(bob) } },
    );
    expectMsgError(() => decryptMessage(adminKeys, renamed, r), 'bad_signature');
    // and alice's message still opens afterwards
    expect(decryptMessage(adminKeys, envelope, r).plaintext).toEqual(text('x'));
  });

  it('to another counter', () => {
    const { alice, aliceKeys, adminKeys } = setup();
    encryptMessage(aliceKeys, alice, 'message', text('0'));
    const { envelope } = encryptMessage(aliceKeys, alice, 'message', text('1'));
    const r = routingOf(adminKeys);
    const moved = forge(
      envelope,
      { keys: adminKeys, routing: r },
      { keys: adminKeys, routing: r },
      { header: { counter: 0 }, signer: alice },
    );
    expectMsgError(() => decryptMessage(adminKeys, moved, r), 'bad_ciphertext');
  });
});

describe('authenticity and membership', () => {
  it('rejects an unknown sender', () => {
    const { alice, aliceKeys, bobKeys } = setup();
    const { envelope } = encryptMessage(aliceKeys, alice, 'message', text('x'));
    bobKeys.members.delete(aliceKeys.self);
    expectMsgError(() => decryptMessage(bobKeys, envelope, routingOf(bobKeys)), 'unknown_sender');
  });

  it('rejects a forged signature', () => {
    const { alice, aliceKeys, bobKeys } = setup();
    const { envelope } = encryptMessage(aliceKeys, alice, 'message', text('x'));
    const r = routingOf(bobKeys);
    const parts = splitInner(openOuter(bobKeys.metadataKey, r, envelope));
    parts.sig[0]! ^= 1;
    const bad = sealOuter(bobKeys.metadataKey, r, joinInner(parts.headerBytes, parts.nonce, parts.sig, parts.ct));
    expectMsgError(() => decryptMessage(bobKeys, bad, r), 'bad_signature');
    expect(bobKeys.members.get(aliceKeys.self)!.chain.next).toBe(0);
  });

  it('rejects garbage that opens under the metadata key', () => {
    const { bobKeys } = setup();
    const r = routingOf(bobKeys);
    for (const inner of [new Uint8Array(0), new Uint8Array(5), randomBytes(200)])
      expectMsgError(() => decryptMessage(bobKeys, sealOuter(bobKeys.metadataKey, r, inner), r), 'malformed');
  });

  it('rejects a non-bucket length, another envelope version and a bad padding', () => {
    const { alice, aliceKeys, bobKeys } = setup();
    const { envelope } = encryptMessage(aliceKeys, alice, 'message', text('x'));
    const r = routingOf(bobKeys);
    expectMsgError(() => decryptMessage(bobKeys, envelope.subarray(1), r), 'bad_outer');
    expectMsgError(() => decryptMessage(bobKeys, concatBytes(envelope, new Uint8Array(256)), r), 'bad_outer');
    const v2 = envelope.slice();
    v2[0] = 2;
    expectMsgError(() => decryptMessage(bobKeys, v2, r), 'bad_outer');
  });

  it('checks roles against the roster when given one (P9)', () => {
    const { g, alice, bob, aliceKeys, bobKeys, adminKeys } = setup(['member', 'facilitator']);
    const bulletin = encryptMessage(aliceKeys, alice, 'bulletin', text('x')).envelope;
    expectMsgError(
      () => decryptMessage(bobKeys, bulletin, routingOf(bobKeys, 'bulletin'), { roster: g.roster }),
      'not_allowed',
    );
    // without a roster the role check is the caller's; with one, a facilitator may post bulletins
    expect(decryptMessage(bobKeys, bulletin, routingOf(bobKeys, 'bulletin')).plaintext).toEqual(text('x'));
    const fromBob = encryptMessage(bobKeys, bob, 'bulletin', text('y')).envelope;
    expect(
      decryptMessage(adminKeys, fromBob, routingOf(adminKeys, 'bulletin'), { roster: g.roster }).plaintext,
    ).toEqual(text('y'));
    // announcement-only groups: members may not chat
    const quiet = commitNext(g.roster, g.admin, [{ op: 'settings', announcementOnly: true }], {
      epoch: g.roster.epoch,
    }).state;
    const chat = encryptMessage(aliceKeys, alice, 'message', text('z')).envelope;
    expectMsgError(() => decryptMessage(bobKeys, chat, routingOf(bobKeys), { roster: quiet }), 'not_allowed');
  });

  it('refuses to encrypt with another device key than the epoch state belongs to', () => {
    const { bob, aliceKeys } = setup();
    expect(() => encryptMessage(aliceKeys, bob, 'message', text('x'))).toThrow();
  });
});

describe('replay, reordering and forward secrecy (P7, P8)', () => {
  it('rejects a replayed envelope', () => {
    const { alice, aliceKeys, bobKeys } = setup();
    const { envelope } = encryptMessage(aliceKeys, alice, 'message', text('x'));
    decryptMessage(bobKeys, envelope, routingOf(bobKeys));
    expectMsgError(() => decryptMessage(bobKeys, envelope, routingOf(bobKeys)), 'replay');
  });

  it('accepts out-of-order envelopes within the window, once each', () => {
    const { alice, aliceKeys, bobKeys } = setup();
    const envs = Array.from(
      { length: 8 },
      (_, i) => encryptMessage(aliceKeys, alice, 'message', text(`m${i}`)).envelope,
    );
    for (const i of [7, 2, 0, 5, 1, 6, 3, 4])
      expect(decryptMessage(bobKeys, envs[i]!, routingOf(bobKeys)).plaintext).toEqual(text(`m${i}`));
    for (const e of envs) expectMsgError(() => decryptMessage(bobKeys, e, routingOf(bobKeys)), 'replay');
  });

  it('rejects counter 2^32-1 without deriving a key', () => {
    const { alice, aliceKeys, bobKeys } = setup();
    aliceKeys.sending.counter = MAX_COUNTER; // a sender (or a bug) jumping to the end of the counter space
    const { envelope, header } = encryptMessage(aliceKeys, alice, 'message', text('x'));
    expect(header.counter).toBe(MAX_COUNTER);
    const before = derivationCount();
    expectMsgError(() => decryptMessage(bobKeys, envelope, routingOf(bobKeys)), 'too_far_ahead');
    expect(derivationCount()).toBe(before);
    expect(bobKeys.members.get(aliceKeys.self)!.chain.next).toBe(0);
  });

  it('accepts a gap up to the forward limit', () => {
    const { alice, aliceKeys, bobKeys } = setup();
    // alice sends MAX_FORWARD_DISTANCE messages that never arrive
    for (let i = 0; i < MAX_FORWARD_DISTANCE; i++) nextSendKey(aliceKeys.sending);
    const { envelope } = encryptMessage(aliceKeys, alice, 'message', text('far'));
    expect(decryptMessage(bobKeys, envelope, routingOf(bobKeys)).plaintext).toEqual(text('far'));
  });

  it('cannot decrypt message 5 again from a state snapshot taken after reading it; message 6 still works', () => {
    const { alice, aliceKeys, bobKeys } = setup();
    const envs = Array.from(
      { length: 7 },
      (_, i) => encryptMessage(aliceKeys, alice, 'message', text(`m${i}`)).envelope,
    );
    for (let i = 0; i <= 5; i++) decryptMessage(bobKeys, envs[i]!, routingOf(bobKeys));
    const snapshot = JSON.parse(JSON.stringify(exportEpochKeys(bobKeys)));
    const restored = importEpochKeys(snapshot);
    expectMsgError(() => decryptMessage(restored, envs[5]!, routingOf(restored)), 'replay');
    // a state that simply "forgets" it used the key has nothing to derive it from either
    const forged = importEpochKeys({
      ...snapshot,
      members: {
        ...snapshot.members,
        [aliceKeys.self]: {
          ...snapshot.members[aliceKeys.self],
          chain: { ...snapshot.members[aliceKeys.self].chain, next: 5 },
        },
      },
    });
    expectMsgError(() => decryptMessage(forged, envs[5]!, routingOf(forged)), 'bad_ciphertext');
    expect(decryptMessage(restored, envs[6]!, routingOf(restored)).plaintext).toEqual(text('m6'));
  });
});

describe('properties', () => {
  it('random text round-trips through plaintext encoding and the envelope', () => {
    const { alice, aliceKeys, bobKeys } = setup();
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 400 }),
        fc.constantFrom<MessageKind>('message', 'bulletin'),
        (s, kind) => {
          const p: Plaintext = { type: 'text', text: s, sentAt: 1_700_000_000_000 };
          const { envelope } = encryptMessage(aliceKeys, alice, kind, encodePlaintext(p));
          expect(isBucketLength(envelope.length)).toBe(true);
          expect(decodePlaintext(decryptMessage(bobKeys, envelope, routingOf(bobKeys, kind)).plaintext)).toEqual(p);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('flipping any single bit anywhere in an envelope makes decryption fail and changes no state', () => {
    const { alice, aliceKeys, bobKeys } = setup();
    const envs = [
      encryptMessage(aliceKeys, alice, 'message', text('short')).envelope,
      encryptMessage(aliceKeys, alice, 'message', randomBytes(700)).envelope,
    ];
    const before = JSON.stringify(exportEpochKeys(bobKeys));
    fc.assert(
      fc.property(fc.nat({ max: 1 }), fc.nat(), (which, n) => {
        const env = envs[which]!;
        const bit = n % (env.length * 8);
        const t = env.slice();
        t[bit >> 3]! ^= 1 << (bit & 7);
        expect(() => decryptMessage(bobKeys, t, routingOf(bobKeys))).toThrow(MessageError);
      }),
      { numRuns: 1000 },
    );
    // every bit of the small envelope's fixed prefix and tag, exhaustively
    const env = envs[0]!;
    for (const bit of [
      ...Array(25 * 8).keys(),
      ...Array.from({ length: 16 * 8 }, (_, i) => (env.length - 16) * 8 + i),
    ]) {
      const t = env.slice();
      t[bit >> 3]! ^= 1 << (bit & 7);
      expect(() => decryptMessage(bobKeys, t, routingOf(bobKeys))).toThrow(MessageError);
    }
    expect(JSON.stringify(exportEpochKeys(bobKeys))).toBe(before);
    for (const e of envs) decryptMessage(bobKeys, e, routingOf(bobKeys));
  });
});
