// A newcomer's introduction to a group's admins, bound to the device that asks
// to join. The server files join requests and could copy one newcomer's sealed
// words onto a request of a device it controls; so the requesting device signs
// the words together with the group, the invite, its id and its signing key,
// and the sealed note's context names that device and key as well. A note
// moved to another request does not open, and a note opened for the wrong
// device does not verify: the admin never reads her words under someone else.
import { concatBytes, fromB64, fromUtf8, toB64, u32be, utf8 } from '../crypto/encoding';
import { LABELS } from '../crypto/labels';
import { SIGNATURE_BYTES, sign, verify } from '../crypto/primitives';
import { openAdminNote, sealAdminNote } from './admin-note';
import { type DeviceKeys, type DevicePublic, deviceIdFromSignPk } from './device';

export const INTRODUCTION_VERSION = 1;

/** Which request an introduction belongs to: the group, the invite redeemed, and the requesting device. */
export interface IntroductionBinding {
  groupId: string;
  inviteId: string;
  deviceId: string;
  /** the requesting device's Ed25519 public key, base64url */
  signPk: string;
}

export class IntroductionError extends Error {
  constructor(
    readonly code: 'malformed' | 'bad_signature' | 'wrong_device',
    message: string,
  ) {
    super(message);
    this.name = 'IntroductionError';
  }
}

/** The admin note's context: names what it is and the request it belongs to (ids are base64url, so ':' cannot occur in them). */
export function introductionContext(b: IntroductionBinding): string {
  return `introduction/v${INTRODUCTION_VERSION}:${b.groupId}:${b.inviteId}:${b.deviceId}:${b.signPk}`;
}

function lengthPrefixed(...parts: Uint8Array[]): Uint8Array {
  return concatBytes(...parts.flatMap((p) => [u32be(p.length), p]));
}

/** What the device signs: each field length-prefixed, under LABELS.introduction. */
function signedBytes(b: IntroductionBinding, text: Uint8Array): Uint8Array {
  return lengthPrefixed(utf8(b.groupId), utf8(b.inviteId), utf8(b.deviceId), fromB64(b.signPk), text);
}

/** The admin note's plaintext: u8 version (1) | Ed25519 signature (64) | text (UTF-8). */
export function signIntroduction(text: string, binding: IntroductionBinding, signSk: Uint8Array): Uint8Array {
  const words = utf8(text);
  const signature = sign(LABELS.introduction, signedBytes(binding, words), signSk);
  return concatBytes(new Uint8Array([INTRODUCTION_VERSION]), signature, words);
}

/** Signs `text` as the requesting device and seals it to the admins in this request's context. */
export function sealIntroduction(
  text: string,
  request: { groupId: string; inviteId: string },
  device: Pick<DeviceKeys, 'signPk' | 'signSk'>,
  admins: DevicePublic[],
): Uint8Array {
  const binding: IntroductionBinding = {
    groupId: request.groupId,
    inviteId: request.inviteId,
    deviceId: deviceIdFromSignPk(device.signPk),
    signPk: toB64(device.signPk),
  };
  return sealAdminNote(signIntroduction(text, binding, device.signSk), admins, introductionContext(binding));
}

/**
 * Opens an introduction for the request it is filed under and checks the
 * requesting device signed it. Throws AdminNoteError (not sealed to this
 * admin, or does not open in this request's context) or IntroductionError.
 */
export function openIntroduction(
  bytes: Uint8Array,
  binding: IntroductionBinding,
  self: string,
  keysFor: (kxVersion: number) => DeviceKeys | undefined,
): string {
  let signPk: Uint8Array;
  try {
    signPk = fromB64(binding.signPk);
  } catch {
    throw new IntroductionError('wrong_device', 'the request names a malformed device key');
  }
  if (deviceIdFromSignPk(signPk) !== binding.deviceId)
    throw new IntroductionError('wrong_device', 'the request’s device id is not its key’s');
  const plain = openAdminNote(bytes, introductionContext(binding), self, keysFor);
  if (plain[0] !== INTRODUCTION_VERSION || plain.length < 1 + SIGNATURE_BYTES)
    throw new IntroductionError('malformed', 'unknown introduction layout');
  const signature = plain.subarray(1, 1 + SIGNATURE_BYTES);
  const words = plain.subarray(1 + SIGNATURE_BYTES);
  if (!verify(LABELS.introduction, signedBytes(binding, words), signature, signPk))
    throw new IntroductionError('bad_signature', 'the requesting device did not sign this introduction');
  return fromUtf8(words);
}
