// Epoch envelopes: how the committing admin hands a fresh epoch secret to each
// member (P4, P5, P6, P8). The secret is sealed (crypto_box_seal) to the
// member's current X25519 key; the envelope names group, epoch, recipient,
// the recipient's key version and the roster commit, and the admin signs it.
// A device the server adds on its own is in no signed roster, so no honest
// admin seals to it and no client accepts an envelope naming it.
import { concatBytes, fromB64, u32be, utf8 } from '../crypto/encoding';
import { LABELS } from '../crypto/labels';
import {
  SEALED_BOX_OVERHEAD,
  SIGNATURE_BYTES,
  boxSeal,
  boxSealOpen,
  constantTimeEqual,
  hash,
  memzero,
  randomBytes,
  sign,
  verify,
} from '../crypto/primitives';
import { type DeviceKeys, type DevicePublic, deviceIdFromSignPk, verifyDevicePublic } from './device';
import { EPOCH_SECRET_BYTES } from './epoch-keys';
import type { RosterState } from './roster';

export const EPOCH_ENVELOPE_VERSION = 1;
const CONTEXT_BYTES = 32;
const SEALED_BYTES = EPOCH_SECRET_BYTES + CONTEXT_BYTES + SEALED_BOX_OVERHEAD;
/** The wire limits for a sealed key envelope (shared/schemas/key-envelopes.ts). */
export const MIN_EPOCH_ENVELOPE_BYTES = 32;
export const MAX_EPOCH_ENVELOPE_BYTES = 2048;

const ID_RE = /^[A-Za-z0-9_-]{16,64}$/;

/** The naming fields; readable before verification so a client can find the roster state to verify against. */
export interface EpochEnvelopeFields {
  version: number;
  group: string;
  epoch: number;
  recipient: string;
  kxVersion: number;
  /** roster commit hash (RosterState.head after the commit) */
  commitHash: string;
  /** the admin who signed */
  author: string;
}

export type EpochEnvelopeErrorCode =
  | 'malformed'
  | 'unsupported_version'
  | 'wrong_group'
  | 'wrong_epoch'
  | 'wrong_commit'
  | 'wrong_recipient'
  | 'stale_kx'
  | 'not_member'
  | 'not_admin'
  | 'bad_signature'
  | 'unseal_failed';

export class EpochEnvelopeError extends Error {
  constructor(
    readonly code: EpochEnvelopeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EpochEnvelopeError';
  }
}

function fail(code: EpochEnvelopeErrorCode, message: string): never {
  throw new EpochEnvelopeError(code, message);
}

export function newEpochSecret(): Uint8Array {
  return randomBytes(EPOCH_SECRET_BYTES);
}

// ----------------------------------------------------------------- layout

const str = (s: string) => {
  const b = utf8(s);
  if (b.length > 255) throw new RangeError('field too long');
  return concatBytes(new Uint8Array([b.length]), b);
};

/** version u8 | group | epoch u32 | recipient | kxVersion u32 | commitHash | author  (strings: u8 length + ASCII) */
function encodeFields(f: EpochEnvelopeFields): Uint8Array {
  return concatBytes(
    new Uint8Array([f.version]),
    str(f.group),
    u32be(f.epoch),
    str(f.recipient),
    u32be(f.kxVersion),
    str(f.commitHash),
    str(f.author),
  );
}

/** Binds the sealed secret to its naming fields, so a sealed box cannot be replanted in another envelope. */
function contextHash(fields: Uint8Array): Uint8Array {
  return hash(LABELS.epochSecretContext, [fields], CONTEXT_BYTES);
}

function decode(bytes: Uint8Array): {
  fields: EpochEnvelopeFields;
  signed: Uint8Array;
  fieldBytes: Uint8Array;
  sealed: Uint8Array;
  sig: Uint8Array;
} {
  try {
    if (bytes.length > MAX_EPOCH_ENVELOPE_BYTES) throw new Error('too long');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = 0;
    const need = (n: number) => {
      if (at + n > bytes.length) throw new Error('short');
    };
    const u8 = () => (need(1), bytes[at++]!);
    const u32 = () => (need(4), (at += 4), view.getUint32(at - 4));
    const ascii = () => {
      const n = u8();
      need(n);
      const s = String.fromCharCode(...bytes.subarray(at, at + n));
      at += n;
      return s;
    };
    const version = u8();
    const group = ascii();
    const epoch = u32();
    const recipient = ascii();
    const kxVersion = u32();
    const commitHash = ascii();
    const author = ascii();
    const fieldsEnd = at;
    const sealedLen = (u8() << 8) | u8();
    need(sealedLen);
    const sealed = bytes.subarray(at, at + sealedLen);
    at += sealedLen;
    const signedEnd = at;
    need(SIGNATURE_BYTES);
    const sig = bytes.subarray(at, at + SIGNATURE_BYTES);
    at += SIGNATURE_BYTES;
    if (at !== bytes.length) throw new Error('trailing bytes');
    for (const id of [group, recipient, author, commitHash]) if (!ID_RE.test(id)) throw new Error('bad id');
    return {
      fields: { version, group, epoch, recipient, kxVersion, commitHash, author },
      fieldBytes: bytes.subarray(0, fieldsEnd),
      signed: bytes.subarray(0, signedEnd),
      sealed,
      sig,
    };
  } catch {
    return fail('malformed', 'epoch envelope is malformed');
  }
}

/** Reads the naming fields WITHOUT verifying anything. */
export function peekEpochEnvelope(bytes: Uint8Array): EpochEnvelopeFields {
  return decode(bytes).fields;
}

// ------------------------------------------------------------- seal / open

export interface SealEpochArgs {
  secret: Uint8Array;
  /** verified roster state right after the commit that starts the epoch */
  roster: RosterState;
  admin: DeviceKeys;
  /** the recipient's public keys as fetched (verified here against the roster) */
  recipient: DevicePublic;
}

/** One member's envelope: 32..2048 bytes; send as base64url. */
export function sealEpochSecret({ secret, roster, admin, recipient }: SealEpochArgs): Uint8Array {
  if (secret.length !== EPOCH_SECRET_BYTES) throw new RangeError('epoch secret must be 32 bytes');
  const author = deviceIdFromSignPk(admin.signPk);
  if (roster.members.get(author)?.role !== 'admin')
    fail('not_admin', 'only an admin of the roster seals epoch secrets');
  // Never seal to a key the roster does not vouch for: the server hands out device records.
  if (!verifyDevicePublic(recipient))
    fail('wrong_recipient', 'recipient key-exchange key is not signed by its identity');
  const member = roster.members.get(recipient.deviceId);
  if (!member || member.signPk !== recipient.signPk) fail('not_member', 'recipient is not this member of the roster');

  const fieldBytes = encodeFields({
    version: EPOCH_ENVELOPE_VERSION,
    group: roster.group,
    epoch: roster.epoch,
    recipient: recipient.deviceId,
    kxVersion: recipient.kxVersion,
    commitHash: roster.head,
    author,
  });
  const plain = concatBytes(secret, contextHash(fieldBytes));
  const sealed = boxSeal(plain, fromB64(recipient.kxPk));
  memzero(plain);
  const signed = concatBytes(fieldBytes, new Uint8Array([sealed.length >> 8, sealed.length & 0xff]), sealed);
  return concatBytes(signed, sign(LABELS.epochEnvelope, signed, admin.signSk));
}

export interface OpenEpochArgs {
  /** verified roster state right after the commit the envelope names (head === commitHash) */
  roster: RosterState;
  /** this device, with the key-exchange key version the envelope was sealed to */
  recipient: DeviceKeys;
  /** what the server said this envelope is for, if known */
  expected?: { group?: string; epoch?: number };
}

export interface VerifyEpochArgs {
  roster: RosterState;
  /** the signing key of this device (the envelope's recipient) */
  recipientSignPk: Uint8Array;
  expected?: { group?: string; epoch?: number };
}

/**
 * Checks everything but the sealed box: layout, group, epoch, commit,
 * recipient, membership, and the signature of an admin of that roster state.
 * Returns the fields; throws EpochEnvelopeError. A device uses it to tell a
 * real admin's envelope sealed to a key it retired (an attack to report)
 * from a forgery, without opening it.
 */
export function verifyEpochEnvelope(
  bytes: Uint8Array,
  { roster, recipientSignPk, expected = {} }: VerifyEpochArgs,
): EpochEnvelopeFields {
  return checkEnvelope(decode(bytes), roster, recipientSignPk, undefined, expected).fields;
}

/** Verifies the envelope against the roster and returns the 32-byte epoch secret, or throws EpochEnvelopeError. */
export function openEpochEnvelope(bytes: Uint8Array, { roster, recipient, expected = {} }: OpenEpochArgs): Uint8Array {
  const { fieldBytes, sealed } = checkEnvelope(decode(bytes), roster, recipient.signPk, recipient.kxVersion, expected);
  if (sealed.length !== SEALED_BYTES) fail('unseal_failed', 'sealed secret has the wrong length');
  const plain = boxSealOpen(sealed, recipient.kxPk, recipient.kxSk);
  if (!plain) fail('unseal_failed', 'sealed secret does not open with this key');
  const secret = plain.slice(0, EPOCH_SECRET_BYTES);
  const ok = constantTimeEqual(plain.subarray(EPOCH_SECRET_BYTES), contextHash(fieldBytes));
  memzero(plain);
  if (!ok) {
    memzero(secret);
    fail('unseal_failed', 'sealed secret belongs to another envelope');
  }
  return secret;
}

/** The checks before the sealed box, in the order of PROTOCOL.md section 6 (kxVersion only when opening). */
function checkEnvelope(
  decoded: ReturnType<typeof decode>,
  roster: RosterState,
  recipientSignPk: Uint8Array,
  kxVersion: number | undefined,
  expected: { group?: string; epoch?: number },
): ReturnType<typeof decode> {
  const { fields, signed, sig } = decoded;
  if (fields.version !== EPOCH_ENVELOPE_VERSION) fail('unsupported_version', 'unsupported epoch envelope version');
  if (fields.group !== roster.group || (expected.group !== undefined && fields.group !== expected.group))
    fail('wrong_group', 'envelope names another group');
  if (fields.epoch !== roster.epoch || (expected.epoch !== undefined && fields.epoch !== expected.epoch))
    fail('wrong_epoch', 'envelope names another epoch');
  if (fields.commitHash !== roster.head) fail('wrong_commit', 'envelope names another roster commit');
  if (fields.recipient !== deviceIdFromSignPk(recipientSignPk))
    fail('wrong_recipient', 'envelope is for another device');
  if (kxVersion !== undefined && fields.kxVersion !== kxVersion)
    fail('stale_kx', 'envelope is sealed to another key-exchange key version');
  if (!roster.members.has(fields.recipient)) fail('not_member', 'recipient is not a member at this commit');
  const author = roster.members.get(fields.author);
  if (author?.role !== 'admin') fail('not_admin', 'envelope signer is not an admin at this commit');
  if (!verify(LABELS.epochEnvelope, signed, sig, fromB64(author.signPk)))
    fail('bad_signature', 'envelope signature does not verify');
  return decoded;
}
