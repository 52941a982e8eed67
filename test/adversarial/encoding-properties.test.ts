// Property tests (fast-check) for every encoding the server carries or stores
// for the clients: each round-trips, and any single flipped bit is rejected.
// Message envelopes (round trip and bit flips), epoch envelopes (bit flips)
// and text plaintexts are covered in test/shared/protocol/; this file adds
// headers, roster commits, device records, invite codes, every plaintext type,
// epoch envelopes' round trip and at-rest blobs.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromB64, toB64 } from '../../shared/crypto/encoding';
import { AtRestError, openAtRest, sealAtRest } from '../../shared/crypto/passphrase-key';
import { randomBytes } from '../../shared/crypto/primitives';
import { cryptoReady } from '../../shared/crypto/sodium';
import { type DevicePublic, devicePublic, generateDeviceKeys, verifyDevicePublic } from '../../shared/protocol/device';
import { openEpochEnvelope, sealEpochSecret } from '../../shared/protocol/epoch-envelope';
import { formatInviteCode, inviteCodeHash, normalizeInviteCode } from '../../shared/protocol/invite-code';
import { decodeHeader, encodeHeader, type MessageHeader } from '../../shared/protocol/message-envelope';
import { MESSAGE_KINDS } from '../../shared/protocol/posting-rules';
import { decodePlaintext, encodePlaintext, type Plaintext } from '../../shared/protocol/plaintext';
import {
  applyCommit,
  type CommitBody,
  commitSignatureValid,
  decodeCommit,
  RosterError,
  type RosterOp,
  signCommit,
} from '../../shared/protocol/roster';
import { addOp, idOf, makeGroup } from '../shared/protocol/fixtures';

beforeAll(cryptoReady);

const flipBit = (bytes: Uint8Array, bit: number): Uint8Array => {
  const t = bytes.slice();
  t[bit >> 3]! ^= 1 << (bit & 7);
  return t;
};
const anyBit = (bytes: Uint8Array) => fc.integer({ min: 0, max: bytes.length * 8 - 1 });

const idArb = fc.stringMatching(/^[A-Za-z0-9_-]{16,64}$/);
const u32Arb = fc.nat({ max: 0xffffffff });
const bytesArb = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const messageIdArb = bytesArb(16).map(toB64);
const sentAt = fc.nat({ max: 8.64e15 });
const textArb = (max: number) => fc.string({ unit: 'grapheme', minLength: 1, maxLength: max });

describe('message headers', () => {
  const headerArb: fc.Arbitrary<MessageHeader> = fc.record({
    version: fc.nat({ max: 255 }),
    kind: fc.constantFrom(...MESSAGE_KINDS),
    group: idArb,
    epoch: u32Arb,
    sender: idArb,
    counter: u32Arb,
    messageId: bytesArb(16),
  });

  it('round-trip for every field value in range', () => {
    fc.assert(
      fc.property(headerArb, (h) => {
        const bytes = encodeHeader(h);
        expect(decodeHeader(bytes)).toEqual({ header: h, length: bytes.length });
      }),
      { numRuns: 500 },
    );
  });

  it('never decode a single-bit change back to the same header', () => {
    fc.assert(
      fc.property(
        headerArb.chain((h) => fc.tuple(fc.constant(h), anyBit(encodeHeader(h)))),
        ([h, bit]) => {
          let decoded: MessageHeader | undefined;
          try {
            decoded = decodeHeader(flipBit(encodeHeader(h), bit)).header;
          } catch {
            return; // rejected outright
          }
          expect(decoded).not.toEqual(h); // and in an envelope the signature and the AEAD cover these bytes
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('roster commits', () => {
  const g = makeGroup(2, ['facilitator']);
  const [admin, facilitator, member] = g.members as [
    ReturnType<typeof generateDeviceKeys>,
    ...ReturnType<typeof generateDeviceKeys>[],
  ];
  const opArb: fc.Arbitrary<RosterOp[]> = fc.oneof(
    fc.constant<RosterOp[]>([]),
    fc
      .record({
        retentionSeconds: fc.option(fc.integer({ min: 3600, max: 10 * 365 * 24 * 3600 })),
        announcementOnly: fc.boolean(),
      })
      .map((s) => [{ op: 'settings', ...s } as RosterOp]),
    fc.constantFrom<RosterOp[]>(
      [{ op: 'set-role', device: idOf(member!), role: 'facilitator' }],
      [{ op: 'set-role', device: idOf(facilitator!), role: 'admin' }],
      [{ op: 'remove', device: idOf(member!) }],
    ),
    fc.constant(null).map(() => [addOp(generateDeviceKeys())]),
  );
  const bodyOf = (ops: RosterOp[]): CommitBody => {
    const changes = ops.some((o) => o.op === 'add' || o.op === 'remove');
    return {
      v: 1,
      group: g.group,
      seq: g.roster.seq + 1,
      prev: g.roster.head,
      epoch: g.roster.epoch + (changes ? 1 : 0),
      author: idOf(admin),
      ops,
    };
  };

  it('round-trip through signing, decoding and the chain', () => {
    fc.assert(
      fc.property(opArb, (ops) => {
        const commit = signCommit(bodyOf(ops), admin.signSk);
        expect(decodeCommit(commit)).toEqual(bodyOf(ops));
        expect(commitSignatureValid(commit, admin.signPk)).toBe(true);
        expect(applyCommit(g.roster, commit).seq).toBe(g.roster.seq + 1);
      }),
      { numRuns: 100 },
    );
  });

  it('are refused after any single bit flip in the body or the signature', () => {
    const commit = signCommit(bodyOf([addOp(generateDeviceKeys(), 'member')]), admin.signSk);
    const body = fromB64(commit.body);
    const sig = fromB64(commit.sig);
    fc.assert(
      fc.property(fc.boolean(), fc.nat(), (inBody, n) => {
        const t = inBody
          ? { body: toB64(flipBit(body, n % (body.length * 8))), sig: commit.sig }
          : { body: commit.body, sig: toB64(flipBit(sig, n % (sig.length * 8))) };
        expect(() => applyCommit(g.roster, t)).toThrow(RosterError);
      }),
      { numRuns: 400 },
    );
  });
});

describe('device records', () => {
  const fields = ['signPk', 'kxPk', 'kxSig'] as const;

  it('verify as published and fail after any single bit flip in a key or the signature', () => {
    const rec = devicePublic(generateDeviceKeys());
    expect(verifyDevicePublic(rec)).toBe(true);
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.nat(), (field, n) => {
        const bytes = fromB64(rec[field]);
        const t: DevicePublic = { ...rec, [field]: toB64(flipBit(bytes, n % (bytes.length * 8))) };
        expect(verifyDevicePublic(t)).toBe(false);
      }),
      { numRuns: 400 },
    );
    // and a changed id or key version
    expect(verifyDevicePublic({ ...rec, kxVersion: 2 })).toBe(false);
    expect(verifyDevicePublic({ ...rec, deviceId: idOf(generateDeviceKeys()) })).toBe(false);
  });
});

describe('invite codes', () => {
  const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const charsArb = fc.string({ unit: fc.constantFrom(...ALPHABET), minLength: 28, maxLength: 28 });

  it('normalise back from the formatted code however it is typed (case, spaces, dashes)', () => {
    fc.assert(
      fc.property(charsArb, fc.boolean(), fc.constantFrom('-', ' ', ''), (chars, lower, sep) => {
        let typed = formatInviteCode(chars).replace(/-/g, sep);
        if (lower) typed = typed.toLowerCase();
        expect(normalizeInviteCode(typed)).toBe(chars);
        expect(inviteCodeHash(normalizeInviteCode(typed)!)).toBe(inviteCodeHash(chars));
      }),
      { numRuns: 300 },
    );
  });

  it('hash to another stored value after any single bit flip in the typed code', () => {
    fc.assert(
      fc.property(charsArb, fc.nat(), (chars, n) => {
        const bytes = new TextEncoder().encode(chars);
        const flipped = new TextDecoder().decode(flipBit(bytes, n % (bytes.length * 8)));
        const norm = normalizeInviteCode(flipped);
        // either no longer a code at all, or a different one (look-alikes fold onto the same symbol)
        if (norm !== null && norm !== chars) expect(inviteCodeHash(norm)).not.toBe(inviteCodeHash(chars));
        if (norm === chars) expect(/[oil]/i.test(flipped) || flipped.toUpperCase() === chars).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('plaintexts of every type', () => {
  const plaintextArb: fc.Arbitrary<Plaintext> = fc.oneof(
    fc.record({
      type: fc.constant('text' as const),
      sentAt,
      text: textArb(300),
      replyTo: fc.option(messageIdArb, { nil: undefined }),
    }),
    fc.record({
      type: fc.constant('reaction' as const),
      sentAt,
      target: messageIdArb,
      emoji: textArb(8),
      remove: fc.option(fc.boolean(), { nil: undefined }),
    }),
    fc.record({ type: fc.constant('edit' as const), sentAt, target: messageIdArb, text: textArb(300) }),
    fc.record({ type: fc.constant('delete' as const), sentAt, target: messageIdArb }),
    fc.record({
      type: fc.constant('urgent-help' as const),
      sentAt,
      sealed: fc.stringMatching(/^[A-Za-z0-9_-]{1,200}$/),
    }),
    fc.record({ type: fc.constant('profile' as const), sentAt, displayName: textArb(30) }),
    fc.record({ type: fc.constant('group-name' as const), sentAt, name: textArb(30) }),
  );
  const clean = (p: Plaintext) => JSON.parse(JSON.stringify(p)) as Plaintext; // drops undefined optionals

  it('round-trip', () => {
    fc.assert(
      fc.property(plaintextArb, (p) => {
        expect(decodePlaintext(encodePlaintext(p))).toEqual(clean(p));
      }),
      { numRuns: 500 },
    );
  });
});

describe('epoch envelopes', () => {
  it('round-trip any secret to any member', () => {
    const g = makeGroup(3);
    fc.assert(
      fc.property(bytesArb(32), fc.nat({ max: 3 }), (secret, i) => {
        const m = g.members[i]!;
        const env = sealEpochSecret({
          secret: secret.slice(),
          roster: g.roster,
          admin: g.admin,
          recipient: devicePublic(m),
        });
        expect(openEpochEnvelope(env, { roster: g.roster, recipient: m })).toEqual(secret);
      }),
      { numRuns: 50 },
    );
  });
});

describe('at-rest blobs', () => {
  const key = randomBytes(32);

  it('round-trip any bytes in any slot', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.string({ minLength: 1, maxLength: 40 }), (data, slot) => {
        expect(openAtRest(key, slot, sealAtRest(key, slot, data))).toEqual(data);
      }),
      { numRuns: 300 },
    );
  });

  it('refuse any single bit flip', () => {
    const blob = sealAtRest(key, 'device-keys', randomBytes(300));
    fc.assert(
      fc.property(anyBit(blob), (bit) => {
        expect(() => openAtRest(key, 'device-keys', flipBit(blob, bit))).toThrow(AtRestError);
      }),
      { numRuns: 500 },
    );
  });
});
