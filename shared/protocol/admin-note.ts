// Notes only a group's admins can read: an invite's label and a newcomer's
// introduction. A fresh key encrypts the text once; that key is sealed
// (crypto_box_seal) to each admin's current X25519 key. The context (what the
// note is, for which group) and the recipient list are associated data, so a
// note cannot be moved to another use or group. An urgent help request uses
// the same construction under its own label (urgent-help.ts).
import { concatBytes, fromB64, u32be, utf8 } from '../crypto/encoding';
import { type AeadLabel, LABELS } from '../crypto/labels';
import {
  AEAD_NONCE_BYTES,
  AEAD_TAG_BYTES,
  KEY_BYTES,
  SEALED_BOX_OVERHEAD,
  aeadDecrypt,
  aeadEncrypt,
  boxSeal,
  boxSealOpen,
  memzero,
  randomBytes,
} from '../crypto/primitives';
import { type DeviceKeys, type DevicePublic, verifyDevicePublic } from './device';

export const ADMIN_NOTE_VERSION = 1;
const SEALED_KEY_BYTES = KEY_BYTES + SEALED_BOX_OVERHEAD;
const MAX_RECIPIENTS = 255;
const ID_RE = /^[A-Za-z0-9_-]{16,64}$/;

export class AdminNoteError extends Error {
  constructor(
    readonly code: 'bad_recipient' | 'malformed' | 'not_for_me' | 'wrong_key',
    message: string,
  ) {
    super(message);
    this.name = 'AdminNoteError';
  }
}

/**
 * u8 version | u8 n | n x (u8 len | recipient id | u32be kxVersion | sealed key (80))
 * | nonce (24) | XChaCha20-Poly1305(key, text, AD = frame(adminNote, context, everything before the nonce))
 */
export function sealAdminNote(
  text: Uint8Array,
  recipients: DevicePublic[],
  context: string,
  label: AeadLabel = LABELS.adminNote,
): Uint8Array {
  if (recipients.length === 0 || recipients.length > MAX_RECIPIENTS)
    throw new AdminNoteError('bad_recipient', 'one to 255 recipients');
  const key = randomBytes(KEY_BYTES);
  try {
    const entries = recipients.map((r) => {
      if (!verifyDevicePublic(r))
        throw new AdminNoteError('bad_recipient', 'recipient key is not signed by its identity');
      const id = utf8(r.deviceId);
      return concatBytes(new Uint8Array([id.length]), id, u32be(r.kxVersion), boxSeal(key, fromB64(r.kxPk)));
    });
    const head = concatBytes(new Uint8Array([ADMIN_NOTE_VERSION, recipients.length]), ...entries);
    const nonce = randomBytes(AEAD_NONCE_BYTES);
    return concatBytes(head, nonce, aeadEncrypt(label, key, nonce, text, [utf8(context), head]));
  } finally {
    memzero(key);
  }
}

/** The recipients a note is sealed to, and its parts; throws AdminNoteError('malformed'). */
function decode(bytes: Uint8Array) {
  try {
    if (bytes[0] !== ADMIN_NOTE_VERSION) throw new Error('version');
    const n = bytes[1]!;
    let at = 2;
    const recipients: { deviceId: string; kxVersion: number; sealed: Uint8Array }[] = [];
    for (let i = 0; i < n; i++) {
      const len = bytes[at++]!;
      const deviceId = String.fromCharCode(...bytes.subarray(at, at + len));
      at += len;
      const kxVersion = new DataView(bytes.buffer, bytes.byteOffset + at, 4).getUint32(0);
      at += 4;
      const sealed = bytes.subarray(at, at + SEALED_KEY_BYTES);
      at += SEALED_KEY_BYTES;
      if (!ID_RE.test(deviceId) || sealed.length !== SEALED_KEY_BYTES) throw new Error('entry');
      recipients.push({ deviceId, kxVersion, sealed });
    }
    const head = bytes.subarray(0, at);
    const nonce = bytes.subarray(at, at + AEAD_NONCE_BYTES);
    const ciphertext = bytes.subarray(at + AEAD_NONCE_BYTES);
    if (nonce.length !== AEAD_NONCE_BYTES || ciphertext.length < AEAD_TAG_BYTES) throw new Error('short');
    return { recipients, head, nonce, ciphertext };
  } catch {
    throw new AdminNoteError('malformed', 'admin note is malformed');
  }
}

/**
 * Opens a note with this device's key-exchange key of the version it was sealed
 * to (`keysFor` returns the current or a retained previous key, or undefined).
 */
export function openAdminNote(
  bytes: Uint8Array,
  context: string,
  self: string,
  keysFor: (kxVersion: number) => DeviceKeys | undefined,
  label: AeadLabel = LABELS.adminNote,
): Uint8Array {
  const { recipients, head, nonce, ciphertext } = decode(bytes);
  const mine = recipients.find((r) => r.deviceId === self);
  if (!mine) throw new AdminNoteError('not_for_me', 'the note is not sealed to this device');
  const keys = keysFor(mine.kxVersion);
  const key = keys && boxSealOpen(mine.sealed, keys.kxPk, keys.kxSk);
  if (!key) throw new AdminNoteError('wrong_key', 'the note does not open with this key');
  const text = aeadDecrypt(label, key, nonce, ciphertext, [utf8(context), head]);
  memzero(key);
  if (!text) throw new AdminNoteError('wrong_key', 'the note does not open in this context');
  return text;
}
