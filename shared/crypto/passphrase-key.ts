// Local storage key from a passphrase (P11): Argon2id (crypto_pwhash from the
// sumo build), then a labelled KDF step; and XChaCha20-Poly1305 blobs sealed
// under that key, each bound to the name of the slot it is stored in.
import { concatBytes, fromB64, toB64, utf8 } from './encoding';
import { LABELS } from './labels';
import { AEAD_NONCE_BYTES, AEAD_TAG_BYTES, aeadDecrypt, aeadEncrypt, kdf, memzero, randomBytes } from './primitives';
import { cryptoReady } from './sodium';
import { sodiumSumo, sumoReady } from './sodium-sumo';

export const PASSPHRASE_SALT_BYTES = 16; // crypto_pwhash_SALTBYTES
export const AT_REST_VERSION = 1;

export interface PassphraseKdfParams {
  /** Argon2id passes */
  opslimit: number;
  /** Argon2id memory in bytes */
  memlimit: number;
}

/** 3 passes over 64 MiB: about a second on a mid-range phone, and within a browser tab's memory. */
export const DEFAULT_PASSPHRASE_PARAMS: PassphraseKdfParams = { opslimit: 3, memlimit: 64 * 1024 * 1024 };
/** libsodium's minimum for Argon2id; for tests only. */
export const MIN_PASSPHRASE_PARAMS: PassphraseKdfParams = { opslimit: 1, memlimit: 8192 };
/** Stored headers are not trusted beyond this (a tampered header must not exhaust the device). */
export const MAX_PASSPHRASE_PARAMS: PassphraseKdfParams = { opslimit: 16, memlimit: 1024 * 1024 * 1024 };

/** What is stored in clear next to the sealed blobs, to derive the key again. */
export interface PassphraseHeader {
  v: 1;
  salt: string;
  opslimit: number;
  memlimit: number;
}

export class AtRestError extends Error {
  constructor(
    readonly code: 'bad_params' | 'malformed' | 'wrong_key',
    message: string,
  ) {
    super(message);
    this.name = 'AtRestError';
  }
}

function checkParams(p: PassphraseKdfParams): void {
  const ok = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;
  if (
    !ok(p.opslimit, MIN_PASSPHRASE_PARAMS.opslimit, MAX_PASSPHRASE_PARAMS.opslimit) ||
    !ok(p.memlimit, MIN_PASSPHRASE_PARAMS.memlimit, MAX_PASSPHRASE_PARAMS.memlimit)
  )
    throw new AtRestError('bad_params', 'passphrase KDF parameters out of range');
}

export function newPassphraseHeader(params: PassphraseKdfParams = DEFAULT_PASSPHRASE_PARAMS): PassphraseHeader {
  checkParams(params);
  return { v: 1, salt: toB64(randomBytes(PASSPHRASE_SALT_BYTES)), ...params };
}

/**
 * Argon2id(passphrase NFC-normalised, salt) -> 32 bytes -> KDF(passphraseKey).
 * NFC because the same Hangul can arrive composed or decomposed from
 * different keyboards.
 */
export async function derivePassphraseKey(
  passphrase: string,
  salt: Uint8Array,
  params: PassphraseKdfParams = DEFAULT_PASSPHRASE_PARAMS,
): Promise<Uint8Array> {
  await Promise.all([cryptoReady(), sumoReady()]);
  checkParams(params);
  if (salt.length !== PASSPHRASE_SALT_BYTES) throw new AtRestError('bad_params', 'salt must be 16 bytes');
  if (passphrase.length === 0) throw new AtRestError('bad_params', 'empty passphrase');
  const pw = utf8(passphrase.normalize('NFC'));
  const raw = sodiumSumo.crypto_pwhash(
    32,
    pw,
    salt,
    params.opslimit,
    params.memlimit,
    sodiumSumo.crypto_pwhash_ALG_ARGON2ID13,
  );
  memzero(pw);
  const key = kdf(LABELS.passphraseKey, raw);
  memzero(raw);
  return key;
}

/** Derives the key from a stored header (validating it first). */
export async function keyFromHeader(passphrase: string, header: PassphraseHeader): Promise<Uint8Array> {
  let salt: Uint8Array;
  try {
    if (header.v !== 1) throw new Error('version');
    salt = fromB64(header.salt);
  } catch {
    throw new AtRestError('malformed', 'passphrase header is malformed');
  }
  return derivePassphraseKey(passphrase, salt, { opslimit: header.opslimit, memlimit: header.memlimit });
}

/** version u8 | nonce 24 | XChaCha20-Poly1305(plaintext), AD = label, version, slot */
export function sealAtRest(key: Uint8Array, slot: string, plaintext: Uint8Array): Uint8Array {
  const nonce = randomBytes(AEAD_NONCE_BYTES);
  const version = new Uint8Array([AT_REST_VERSION]);
  return concatBytes(version, nonce, aeadEncrypt(LABELS.atRest, key, nonce, plaintext, [version, utf8(slot)]));
}

/** The plaintext, or AtRestError('wrong_key') for a wrong key, wrong slot or tampered blob. */
export function openAtRest(key: Uint8Array, slot: string, blob: Uint8Array): Uint8Array {
  if (blob.length < 1 + AEAD_NONCE_BYTES + AEAD_TAG_BYTES || blob[0] !== AT_REST_VERSION)
    throw new AtRestError('malformed', 'not an at-rest blob');
  const version = blob.subarray(0, 1);
  const nonce = blob.subarray(1, 1 + AEAD_NONCE_BYTES);
  const out = aeadDecrypt(LABELS.atRest, key, nonce, blob.subarray(1 + AEAD_NONCE_BYTES), [version, utf8(slot)]);
  if (!out) throw new AtRestError('wrong_key', 'blob does not open with this key in this slot');
  return out;
}
