// Message and bulletin envelopes (P1, P2, P3, P7, P12).
//
// Inner layer: the body is sealed with XChaCha20-Poly1305 under the sender's
// message key with the full header as associated data, and the sender signs
// header + nonce + ciphertext with her identity key.
// Outer layer: header, nonce, signature and ciphertext are padded and sealed
// again under the epoch's metadata key, so the server (which has no epoch
// secret) sees neither the sender nor the counter, only a bucket-sized blob.
// Byte layouts are in docs/PROTOCOL.md.
import { concatBytes, fromB64, toB64, u32be, utf8 } from '../crypto/encoding';
import { LABELS } from '../crypto/labels';
import {
  AEAD_NONCE_BYTES,
  AEAD_TAG_BYTES,
  aeadDecrypt,
  aeadEncrypt,
  constantTimeEqual,
  memzero,
  randomBytes,
  SIGNATURE_BYTES,
  sign,
  verify,
} from '../crypto/primitives';
import { type DeviceKeys, ownDeviceId } from './device';
import type { EpochKeys } from './epoch-keys';
import { MAX_ENVELOPE_BYTES, bucketFor, isBucketLength } from './padding';
import { MESSAGE_KINDS, type MessageKind, mayPost } from './posting-rules';
import type { RosterState } from './roster';
import { ChainError, nextSendKey, prepareReceiveKey } from './sender-chain';

export const ENVELOPE_VERSION = 1;
export const MESSAGE_ID_BYTES = 16;

const ID_RE = /^[A-Za-z0-9_-]{16,64}$/;

/** Group and device ids as UTF-8, checked once: each message sealed or opened needs them. */
const idBytesCache = new Map<string, Uint8Array>();
const MAX_CACHED_IDS = 4096;

const VERSION_BYTE = new Uint8Array([ENVELOPE_VERSION]);
const KIND_BYTES = new Map<string, Uint8Array>(MESSAGE_KINDS.map((kind) => [kind, utf8(kind)]));

/** The UTF-8 bytes of a group or device id; throws if it is not an id. Callers must not change them. */
function idBytes(id: string): Uint8Array {
  let bytes = idBytesCache.get(id);
  if (bytes) return bytes;
  if (!ID_RE.test(id)) throw new RangeError('group and sender must be ids');
  bytes = utf8(id);
  if (idBytesCache.size >= MAX_CACHED_IDS) idBytesCache.clear();
  idBytesCache.set(id, bytes);
  return bytes;
}
const OUTER_PREFIX = 1 + AEAD_NONCE_BYTES; // version + nonce
const PAD_MARKER = 0x80;

export interface MessageHeader {
  version: number;
  kind: MessageKind;
  group: string;
  epoch: number;
  sender: string;
  counter: number;
  messageId: Uint8Array;
}

export interface DecryptedMessage {
  header: MessageHeader;
  plaintext: Uint8Array;
  /** with `{ keepCarry: true }`: what lets a later newcomer check and open this one message (carried-bulletin.ts) */
  carry?: CarryMaterial;
}

/**
 * One message's signed inner layer and its message key: enough to verify its
 * author and read it, and nothing else (a message key opens one message only).
 */
export interface CarryMaterial {
  inner: Uint8Array;
  messageKey: Uint8Array;
}

/** What the receiver learned from the server (or expects): the outer layer is bound to all of it. */
export interface Routing {
  group: string;
  epoch: number;
  kind: MessageKind;
  /** the server-visible client message id; if given it must equal the signed header's */
  messageId?: Uint8Array | string;
}

export type MessageErrorCode =
  | 'bad_outer' // wrong size, version, metadata key or routing; or tampered in transit
  | 'malformed' // authenticated under the metadata key but not a valid inner layout
  | 'unsupported_version'
  | 'binding' // header names another group, epoch, kind or message id than the routing
  | 'unknown_sender' // not a member of the epoch
  | 'bad_signature'
  | 'replay' // counter already used (or evicted from the window)
  | 'too_far_ahead' // counter beyond the maximum forward distance
  | 'bad_ciphertext' // inner AEAD failed (e.g. wrong chain / sender)
  | 'not_allowed' // the sender's role may not post this kind
  | 'too_large';

export class MessageError extends Error {
  constructor(
    readonly code: MessageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MessageError';
  }
}

function fail(code: MessageErrorCode, message: string): never {
  throw new MessageError(code, message);
}

// ----------------------------------------------------------------- header

const isU32 = (n: number) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff;

export function encodeHeader(h: MessageHeader): Uint8Array {
  const group = idBytes(h.group);
  const sender = idBytes(h.sender);
  if (h.messageId.length !== MESSAGE_ID_BYTES) throw new RangeError('message id must be 16 bytes');
  if (!isU32(h.epoch) || !isU32(h.counter) || h.version !== (h.version & 0xff))
    throw new RangeError('header number out of range');
  const kind = MESSAGE_KINDS.indexOf(h.kind);
  if (kind < 0) throw new RangeError('unknown kind');
  // Written straight into one buffer (a message sealed or opened encodes one).
  const out = new Uint8Array(2 + 8 + MESSAGE_ID_BYTES + 2 + group.length + sender.length);
  const view = new DataView(out.buffer);
  out[0] = h.version;
  out[1] = kind;
  view.setUint32(2, h.epoch);
  view.setUint32(6, h.counter);
  out.set(h.messageId, 10);
  let at = 10 + MESSAGE_ID_BYTES;
  out[at++] = group.length;
  out.set(group, at);
  at += group.length;
  out[at++] = sender.length;
  out.set(sender, at);
  return out;
}

/** Parses a header at the start of `bytes`; returns it and its length. */
export function decodeHeader(bytes: Uint8Array): { header: MessageHeader; length: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const need = (n: number) => {
    if (at + n > bytes.length) throw new Error('short header');
  };
  need(2 + 8 + MESSAGE_ID_BYTES + 1);
  const version = bytes[0]!;
  const kind = MESSAGE_KINDS[bytes[1]!];
  if (!kind) throw new Error('unknown kind');
  const epoch = view.getUint32(2);
  const counter = view.getUint32(6);
  at = 10;
  const messageId = bytes.slice(at, at + MESSAGE_ID_BYTES);
  at += MESSAGE_ID_BYTES;
  const readId = () => {
    need(1);
    const n = bytes[at++]!;
    need(n);
    const s = String.fromCharCode(...bytes.subarray(at, at + n));
    at += n;
    if (!ID_RE.test(s)) throw new Error('bad id');
    return s;
  };
  const group = readId();
  const sender = readId();
  return { header: { version, kind, group, epoch, counter, messageId, sender }, length: at };
}

// ------------------------------------------------------------ outer layer

function outerAd(routing: Routing): Uint8Array[] {
  // The relay's routing may hold anything: a known id's bytes are reused, anything else is encoded.
  const group = idBytesCache.get(routing.group) ?? utf8(routing.group);
  return [VERSION_BYTE, group, u32be(routing.epoch), KIND_BYTES.get(routing.kind) ?? utf8(routing.kind)];
}

/** The largest plaintext that fits the largest envelope for this group and sender. */
export function maxPlaintextBytes(group: string, sender: string): number {
  const header = 2 + 8 + MESSAGE_ID_BYTES + 2 + idBytes(group).length + idBytes(sender).length;
  return (
    MAX_ENVELOPE_BYTES -
    OUTER_PREFIX -
    AEAD_TAG_BYTES -
    1 -
    (2 + header + AEAD_NONCE_BYTES + SIGNATURE_BYTES + AEAD_TAG_BYTES)
  );
}

/**
 * Pads `inner` (ISO/IEC 7816-4: 0x80 then zeros) so the whole envelope is a
 * bucket length, and seals it under the metadata key. The inner layer may come
 * in parts, written straight into the padded buffer. Exported for tests.
 */
export function sealOuter(
  metadataKey: Uint8Array,
  routing: Routing,
  inner: Uint8Array | readonly Uint8Array[],
  nonce: Uint8Array = randomBytes(AEAD_NONCE_BYTES),
): Uint8Array {
  const parts = inner instanceof Uint8Array ? [inner] : inner;
  const innerLength = parts.reduce((n, p) => n + p.length, 0);
  const bucket = bucketFor(OUTER_PREFIX + innerLength + 1 + AEAD_TAG_BYTES);
  if (bucket === null) fail('too_large', 'message does not fit the largest envelope');
  const padded = new Uint8Array(bucket - OUTER_PREFIX - AEAD_TAG_BYTES);
  let at = 0;
  for (const part of parts) {
    padded.set(part, at);
    at += part.length;
  }
  padded[at] = PAD_MARKER;
  const sealed = aeadEncrypt(LABELS.messageOuter, metadataKey, nonce, padded, outerAd(routing));
  return concatBytes(VERSION_BYTE, nonce, sealed);
}

/** Opens and unpads the outer layer; exported for tests. */
export function openOuter(metadataKey: Uint8Array, routing: Routing, envelope: Uint8Array): Uint8Array {
  if (!isBucketLength(envelope.length)) fail('bad_outer', 'envelope is not a bucket length');
  if (envelope[0] !== ENVELOPE_VERSION) fail('bad_outer', 'unknown envelope version');
  const nonce = envelope.subarray(1, OUTER_PREFIX);
  const padded = aeadDecrypt(
    LABELS.messageOuter,
    metadataKey,
    nonce,
    envelope.subarray(OUTER_PREFIX),
    outerAd(routing),
  );
  if (!padded) fail('bad_outer', 'envelope does not open under this group, epoch and kind');
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (end < 0 || padded[end] !== PAD_MARKER) fail('malformed', 'bad padding');
  return padded.subarray(0, end);
}

// ------------------------------------------------------------ inner layer

export function signedPart(header: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + header.length + nonce.length + ciphertext.length);
  new DataView(out.buffer).setUint32(0, header.length);
  out.set(header, 4);
  out.set(nonce, 4 + header.length);
  out.set(ciphertext, 4 + header.length + nonce.length);
  return out;
}

/** u16 header length | header | nonce (24) | signature (64) | ciphertext, in parts for sealOuter. */
function innerParts(header: Uint8Array, nonce: Uint8Array, sig: Uint8Array, ciphertext: Uint8Array): Uint8Array[] {
  return [new Uint8Array([header.length >> 8, header.length & 0xff]), header, nonce, sig, ciphertext];
}

/** Parses an inner layer; throws on any layout error. Exported for carried bulletins. */
export function decodeInner(inner: Uint8Array) {
  if (inner.length < 2) throw new Error('short');
  const hlen = (inner[0]! << 8) | inner[1]!;
  const headerBytes = inner.subarray(2, 2 + hlen);
  const { header, length } = decodeHeader(headerBytes);
  if (length !== hlen) throw new Error('header length mismatch');
  let at = 2 + hlen;
  const nonce = inner.subarray(at, (at += AEAD_NONCE_BYTES));
  const sig = inner.subarray(at, (at += SIGNATURE_BYTES));
  const ciphertext = inner.subarray(at);
  if (ciphertext.length < AEAD_TAG_BYTES) throw new Error('short ciphertext');
  return { header, headerBytes, nonce, sig, ciphertext };
}

// ---------------------------------------------------------------- roles

/** P9 as a client checks it: posting-rules.ts applied to the sender's role in the signed roster. */
export function senderMayPost(roster: RosterState, sender: string, kind: MessageKind): boolean {
  const m = roster.members.get(sender);
  return m !== undefined && mayPost(m.role, kind, roster.settings);
}

// ------------------------------------------------------------ public API

export interface EncryptedMessage {
  /** exactly one of ENVELOPE_BUCKETS bytes long */
  envelope: Uint8Array;
  header: MessageHeader;
  /** base64url message id, the server's clientMsgId */
  clientMsgId: string;
}

/**
 * Encrypts one message with the next key of this device's sending chain. The
 * chain advances in `keys`: persist it before handing the envelope out.
 */
export function encryptMessage(
  keys: EpochKeys,
  device: DeviceKeys,
  kind: MessageKind,
  plaintext: Uint8Array,
  givenMessageId?: Uint8Array,
): EncryptedMessage {
  if (ownDeviceId(device) !== keys.self) throw new Error('device keys do not belong to this epoch state');
  if (!MESSAGE_KINDS.includes(kind)) throw new RangeError('unknown message kind'); // before a counter is spent
  if (plaintext.length > maxPlaintextBytes(keys.group, keys.self))
    fail('too_large', 'message does not fit the largest envelope');
  const { counter, messageKey } = nextSendKey(keys.sending);
  try {
    // The message id (unless given) and both nonces from one call: each call to
    // the system's random source costs several µs here, as much as an AEAD.
    const random = randomBytes((givenMessageId ? 0 : MESSAGE_ID_BYTES) + 2 * AEAD_NONCE_BYTES);
    const nonce = random.subarray(0, AEAD_NONCE_BYTES);
    const outerNonce = random.subarray(AEAD_NONCE_BYTES, 2 * AEAD_NONCE_BYTES);
    const messageId = givenMessageId ?? random.subarray(2 * AEAD_NONCE_BYTES);
    const header: MessageHeader = {
      version: ENVELOPE_VERSION,
      kind,
      group: keys.group,
      epoch: keys.epoch,
      sender: keys.self,
      counter,
      messageId: messageId.slice(),
    };
    const headerBytes = encodeHeader(header);
    const ciphertext = aeadEncrypt(LABELS.messageInner, messageKey, nonce, plaintext, [headerBytes]);
    const sig = sign(LABELS.messageSig, signedPart(headerBytes, nonce, ciphertext), device.signSk);
    const envelope = sealOuter(
      keys.metadataKey,
      { group: keys.group, epoch: keys.epoch, kind },
      innerParts(headerBytes, nonce, sig, ciphertext),
      outerNonce,
    );
    return { envelope, header, clientMsgId: toB64(header.messageId) };
  } finally {
    memzero(messageKey);
  }
}

/**
 * Opens an envelope with the epoch's keys. Checks, in order: outer layer,
 * layout, header binding to the routing, sender membership, signature, role
 * (if a roster is given), counter window (before any key is derived), inner
 * AEAD. The receiving chain in `keys` changes only if every check passed.
 */
export function decryptMessage(
  keys: EpochKeys,
  envelope: Uint8Array,
  routing: Routing,
  opts: { roster?: RosterState; keepCarry?: boolean } = {},
): DecryptedMessage {
  if (routing.group !== keys.group || routing.epoch !== keys.epoch)
    fail('binding', 'these keys are for another group or epoch');
  const inner = openOuter(keys.metadataKey, routing, envelope);
  let parsed: ReturnType<typeof decodeInner>;
  try {
    parsed = decodeInner(inner);
  } catch {
    return fail('malformed', 'inner layout is malformed');
  }
  const { header, headerBytes, nonce, sig, ciphertext } = parsed;
  if (header.version !== ENVELOPE_VERSION) fail('unsupported_version', 'unsupported message version');
  if (header.group !== routing.group || header.epoch !== routing.epoch || header.kind !== routing.kind)
    fail('binding', 'header names another group, epoch or kind');
  if (routing.messageId !== undefined) {
    const want = typeof routing.messageId === 'string' ? safeB64(routing.messageId) : routing.messageId;
    if (!want || !constantTimeEqual(want, header.messageId)) fail('binding', 'header names another message id');
  }
  const member = keys.members.get(header.sender);
  if (!member) fail('unknown_sender', 'sender is not a member of this epoch');
  if (!verify(LABELS.messageSig, signedPart(headerBytes, nonce, ciphertext), sig, member.signPk))
    fail('bad_signature', 'signature does not verify');
  if (opts.roster && (opts.roster.group !== keys.group || !senderMayPost(opts.roster, header.sender, header.kind)))
    fail('not_allowed', `sender may not post a ${header.kind}`);

  let pending: ReturnType<typeof prepareReceiveKey>;
  try {
    pending = prepareReceiveKey(member.chain, header.counter);
  } catch (e) {
    if (e instanceof ChainError && (e.code === 'replay' || e.code === 'too_far_ahead')) fail(e.code, e.message);
    throw e;
  }
  const plaintext = aeadDecrypt(LABELS.messageInner, pending.messageKey, nonce, ciphertext, [headerBytes]);
  if (!plaintext) {
    pending.discard();
    fail('bad_ciphertext', 'message does not decrypt under the sender chain');
  }
  // Copied before commit() wipes the key: kept only for a bulletin that may be carried to newcomers.
  const carry = opts.keepCarry ? { inner: inner.slice(), messageKey: pending.messageKey.slice() } : undefined;
  pending.commit();
  return carry ? { header, plaintext, carry } : { header, plaintext };
}

function safeB64(text: string): Uint8Array | null {
  try {
    return fromB64(text);
  } catch {
    return null;
  }
}
