// Device identity: an Ed25519 signing key (the identity) and an X25519
// key-exchange key that the identity signs together with a version number, so
// a client can refuse an older key the server replays after a rotation.
import { concatBytes, fromB64, toB64, u32be, utf8 } from '../crypto/encoding';
import { LABELS } from '../crypto/labels';
import { constantTimeEqual, hash, sign, verify } from '../crypto/primitives';
import { sodium } from '../crypto/sodium';

export const DEVICE_ID_BYTES = 24;

export interface DeviceKeys {
  signPk: Uint8Array;
  signSk: Uint8Array;
  kxPk: Uint8Array;
  kxSk: Uint8Array;
  kxVersion: number;
}

/** The public half as it travels on the wire (base64url). */
export interface DevicePublic {
  deviceId: string;
  signPk: string;
  kxPk: string;
  kxVersion: number;
  kxSig: string;
}

export function deviceIdFromSignPk(signPk: Uint8Array): string {
  return toB64(hash(LABELS.deviceId, [signPk], DEVICE_ID_BYTES));
}

/** The id last derived for each key array, with a copy of the key it came from. */
const ownIds = new WeakMap<Uint8Array, { signPk: Uint8Array; deviceId: string }>();

/**
 * This device's id, derived once per key (a BLAKE2b call per message sent
 * otherwise); the kept copy is compared byte for byte, so a key changed in
 * place gets its id derived again.
 */
export function ownDeviceId(keys: DeviceKeys): string {
  const known = ownIds.get(keys.signPk);
  if (known && constantTimeEqual(known.signPk, keys.signPk)) return known.deviceId;
  const deviceId = deviceIdFromSignPk(keys.signPk);
  ownIds.set(keys.signPk, { signPk: keys.signPk.slice(), deviceId });
  return deviceId;
}

export function generateDeviceKeys(): DeviceKeys {
  const s = sodium.crypto_sign_keypair();
  const x = sodium.crypto_box_keypair();
  return { signPk: s.publicKey, signSk: s.privateKey, kxPk: x.publicKey, kxSk: x.privateKey, kxVersion: 1 };
}

/** A fresh X25519 key with the next version, for scheduled rotation. */
export function rotateKx(keys: DeviceKeys): DeviceKeys {
  const x = sodium.crypto_box_keypair();
  return { ...keys, kxPk: x.publicKey, kxSk: x.privateKey, kxVersion: keys.kxVersion + 1 };
}

/** Same range as the wire schema; also keeps u32be from aliasing 2^32+1 (or 1.5) onto a signed version 1. */
export const MAX_KX_VERSION = 2 ** 31;

function kxBinding(deviceId: string, kxPk: Uint8Array, kxVersion: number): Uint8Array {
  if (!Number.isInteger(kxVersion) || kxVersion < 1 || kxVersion > MAX_KX_VERSION)
    throw new RangeError('kx version out of range');
  return concatBytes(u32be(utf8(deviceId).length), utf8(deviceId), kxPk, u32be(kxVersion));
}

export function signKx(keys: DeviceKeys): Uint8Array {
  const id = deviceIdFromSignPk(keys.signPk);
  return sign(LABELS.kxKey, kxBinding(id, keys.kxPk, keys.kxVersion), keys.signSk);
}

export function devicePublic(keys: DeviceKeys): DevicePublic {
  return {
    deviceId: deviceIdFromSignPk(keys.signPk),
    signPk: toB64(keys.signPk),
    kxPk: toB64(keys.kxPk),
    kxVersion: keys.kxVersion,
    kxSig: toB64(signKx(keys)),
  };
}

/**
 * Records that verified, by their exact content: an admin checks every
 * member's record at each roster change (and sealEpochSecret checks it again),
 * so a group of 1,000 cost 2,000 Ed25519 verifications per change. Only a
 * success is kept, and only for the very same five fields, so the answer is
 * the one a fresh verification would give. Bounded: cleared when full.
 */
const verifiedRecords = new Set<string>();
const VERIFIED_RECORDS_MAX = 20_000;

/** Checks that the key-exchange key is signed by the identity the device id names. */
export function verifyDevicePublic(d: DevicePublic): boolean {
  // JSON keeps the fields apart and their types distinct
  const key = JSON.stringify([d.deviceId, d.signPk, d.kxPk, d.kxVersion, d.kxSig]);
  if (verifiedRecords.has(key)) return true;
  const ok = verifyDevicePublicUncached(d);
  if (ok) {
    if (verifiedRecords.size >= VERIFIED_RECORDS_MAX) verifiedRecords.clear();
    verifiedRecords.add(key);
  }
  return ok;
}

function verifyDevicePublicUncached(d: DevicePublic): boolean {
  try {
    const signPk = fromB64(d.signPk);
    const kxPk = fromB64(d.kxPk);
    if (signPk.length !== sodium.crypto_sign_PUBLICKEYBYTES) return false;
    if (kxPk.length !== sodium.crypto_box_PUBLICKEYBYTES) return false;
    if (deviceIdFromSignPk(signPk) !== d.deviceId) return false;
    return verify(LABELS.kxKey, kxBinding(d.deviceId, kxPk, d.kxVersion), fromB64(d.kxSig), signPk);
  } catch {
    return false;
  }
}
