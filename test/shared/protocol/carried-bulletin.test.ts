// A carried bulletin opens for a newcomer only as its author signed it: the
// bulletin kind, this group, an earlier epoch, an author whom that epoch's
// roster lets post bulletins, her signature, and the one key that opens it.
import { beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from '../../../shared/crypto/primitives';
import { cryptoReady } from '../../../shared/crypto/sodium';
import { openCarriedBulletin } from '../../../shared/protocol/carried-bulletin';
import type { DeviceKeys } from '../../../shared/protocol/device';
import type { EpochKeys } from '../../../shared/protocol/epoch-keys';
import {
  type CarryMaterial,
  decryptMessage,
  encryptMessage,
  MessageError,
  type MessageErrorCode,
} from '../../../shared/protocol/message-envelope';
import type { MessageKind } from '../../../shared/protocol/posting-rules';
import { decodePlaintext, encodePlaintext, plaintextSchema } from '../../../shared/protocol/plaintext';
import type { RosterState } from '../../../shared/protocol/roster';
import { makeGroup, openAll } from './fixtures';

beforeAll(cryptoReady);

/** Admin, facilitator and member at epoch 2; the facilitator's and the member's epoch keys, and the reader's. */
function setup() {
  const g = makeGroup(3, ['facilitator', 'member', 'member']);
  const [, facilitator, member] = g.members as [DeviceKeys, DeviceKeys, DeviceKeys, DeviceKeys];
  const [, fKeys, mKeys, rKeys] = openAll(g) as [EpochKeys, EpochKeys, EpochKeys, EpochKeys];
  const ctx = { group: g.group, carriedIn: 3, rosterAt: (e: number) => (e === 2 ? g.roster : undefined) };
  return { g, facilitator, member, fKeys, mKeys, rKeys, ctx };
}

/** What a reader keeps when she reads a post: its inner layer and message key. */
function posted(keys: EpochKeys, author: DeviceKeys, reader: EpochKeys, text: string, kind: MessageKind = 'bulletin') {
  const sealed = encryptMessage(keys, author, kind, encodePlaintext({ type: 'text', sentAt: 1, text }));
  const opened = decryptMessage(
    reader,
    sealed.envelope,
    { group: keys.group, epoch: keys.epoch, kind },
    { keepCarry: true },
  );
  return opened.carry!;
}

function expectCode(f: () => unknown, code: MessageErrorCode) {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(MessageError);
  expect((err as MessageError).code).toBe(code);
}

const textOf = (plaintext: Uint8Array) => {
  const p = decodePlaintext(plaintext);
  return p.type === 'text' ? p.text : null;
};

describe('a carried bulletin', () => {
  it('opens with its author, epoch and text as the author signed them', () => {
    const { facilitator, fKeys, rKeys, ctx } = setup();
    const carry = posted(fKeys, facilitator, rKeys, '[공지] 12월 모임은 12일(토)');
    const { header, plaintext } = openCarriedBulletin(carry, ctx);
    expect(header).toMatchObject({ kind: 'bulletin', epoch: 2, sender: fKeys.self, group: ctx.group });
    expect(textOf(plaintext)).toBe('[공지] 12월 모임은 12일(토)');
  });

  it('is refused when a carrier changes the text, the key, the signature or the header', () => {
    const { facilitator, fKeys, rKeys, ctx } = setup();
    const carry = posted(fKeys, facilitator, rKeys, '[공지] 12월 모임은 12일(토)');
    // another text under a key of her own choosing: the ciphertext is no longer the signed one
    const forgedKey = randomBytes(32);
    const flipped = (at: number): CarryMaterial => {
      const inner = carry.inner.slice();
      inner[at]! ^= 1;
      return { inner, messageKey: carry.messageKey };
    };
    expectCode(() => openCarriedBulletin({ inner: carry.inner, messageKey: forgedKey }, ctx), 'bad_ciphertext');
    expectCode(() => openCarriedBulletin(flipped(carry.inner.length - 1), ctx), 'bad_signature'); // ciphertext
    expectCode(() => openCarriedBulletin(flipped(2 + 9), ctx), 'bad_signature'); // the header's counter
    expectCode(
      () => openCarriedBulletin({ inner: carry.inner.subarray(0, 20), messageKey: forgedKey }, ctx),
      'malformed',
    );
    // the original still opens: nothing above changed it
    expect(textOf(openCarriedBulletin(carry, ctx).plaintext)).toBe('[공지] 12월 모임은 12일(토)');
  });

  it('is refused from a member the roster of its epoch did not let post bulletins, or as a chat message', () => {
    const { facilitator, member, fKeys, mKeys, rKeys, ctx } = setup();
    expectCode(() => openCarriedBulletin(posted(mKeys, member, rKeys, 'fake notice'), ctx), 'not_allowed');
    expectCode(() => openCarriedBulletin(posted(fKeys, facilitator, rKeys, 'chat', 'message'), ctx), 'binding');
  });

  it('is refused in another group, from a later epoch, or from an epoch the chain does not reach', () => {
    const { facilitator, fKeys, rKeys, ctx } = setup();
    const carry = posted(fKeys, facilitator, rKeys, 'notice');
    expectCode(() => openCarriedBulletin(carry, { ...ctx, group: 'AAAAAAAAAAAAAAAAAAAAAA' }), 'binding');
    expectCode(() => openCarriedBulletin(carry, { ...ctx, carriedIn: 1 }), 'binding');
    const noRoster = { ...ctx, rosterAt: (): RosterState | undefined => undefined };
    expectCode(() => openCarriedBulletin(carry, noRoster), 'unknown_sender');
  });

  it('travels as a carried-bulletin meta plaintext that holds the largest Korean bulletin', () => {
    const { g, facilitator, fKeys, rKeys } = setup();
    const carry = posted(fKeys, facilitator, rKeys, '공'.repeat(16_000));
    const plaintext = {
      type: 'carried-bulletin' as const,
      sentAt: 2,
      seq: 7,
      inner: Buffer.from(carry.inner).toString('base64url'),
      key: Buffer.from(carry.messageKey).toString('base64url'),
      pinned: true,
      expiresAt: null,
    };
    const bytes = encodePlaintext(plaintext);
    expect(decodePlaintext(bytes)).toEqual(plaintext);
    // and it still fits a meta message of the new epoch
    const [adminKeys] = openAll(g);
    expect(() => encryptMessage(adminKeys!, g.admin, 'meta', bytes)).not.toThrow();
    expect(plaintextSchema.safeParse({ ...plaintext, v: 1, key: 'short' }).success).toBe(false);
  });
});
