// Thin, labelled wrappers over libsodium. Every call names its domain label,
// so a value made for one use can never verify or decrypt in another. The
// label types only accept labels registered for that primitive in labels.ts.
import { frame } from './encoding';
import type { AeadLabel, HashLabel, KdfLabel, SignatureLabel } from './labels';
import { sodium } from './sodium';

export const KEY_BYTES = 32;
export const AEAD_NONCE_BYTES = 24; // XChaCha20-Poly1305: random nonces are safe
export const AEAD_TAG_BYTES = 16;
export const SIGNATURE_BYTES = 64;
export const SEALED_BOX_OVERHEAD = 48; // ephemeral X25519 public key + MAC

/** getRandomValues fills at most this many bytes per call (Web Crypto). */
const MAX_RANDOM_CHUNK = 65536;

/**
 * The platform CSPRNG (Web Crypto, in browsers, Node and Workers alike), the
 * same source libsodium's JavaScript build draws from, but one call per
 * buffer: libsodium's randombytes_buf calls it once per 4 bytes, which made
 * nonces the largest cost of sealing a message.
 */
export function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let at = 0; at < length; at += MAX_RANDOM_CHUNK)
    crypto.getRandomValues(out.subarray(at, Math.min(length, at + MAX_RANDOM_CHUNK)));
  return out;
}

/** BLAKE2b over the framed label and parts. */
export function hash(label: HashLabel, parts: Uint8Array[], length = 32): Uint8Array {
  return sodium.crypto_generichash(length, frame(label, ...parts), null);
}

/**
 * Keyed BLAKE2b (a PRF) over the framed label and parts: the KDF for every
 * derived key. Key 16..64 bytes, output 16..64 bytes.
 */
export function kdf(label: KdfLabel, key: Uint8Array, parts: Uint8Array[] = [], length = KEY_BYTES): Uint8Array {
  if (key.length < 16 || key.length > 64) throw new RangeError('kdf key must be 16..64 bytes');
  return sodium.crypto_generichash(length, frame(label, ...parts), key);
}

export function sign(label: SignatureLabel, message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return sodium.crypto_sign_detached(frame(label, message), secretKey);
}

export function verify(
  label: SignatureLabel,
  message: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  if (signature.length !== sodium.crypto_sign_BYTES) return false;
  if (publicKey.length !== sodium.crypto_sign_PUBLICKEYBYTES) return false;
  try {
    return sodium.crypto_sign_verify_detached(signature, frame(label, message), publicKey);
  } catch {
    return false;
  }
}

/**
 * XChaCha20-Poly1305 with the label framed into the associated data together
 * with the caller's parts, so a ciphertext made under one label (or one set of
 * bound values) never opens under another.
 */
export function aeadEncrypt(
  label: AeadLabel,
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  adParts: Uint8Array[] = [],
): Uint8Array {
  if (key.length !== KEY_BYTES || nonce.length !== AEAD_NONCE_BYTES)
    throw new RangeError('bad aead key or nonce length');
  return sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, frame(label, ...adParts), null, nonce, key);
}

/** The plaintext, or null if anything (key, nonce, label, parts, ciphertext) differs. */
export function aeadDecrypt(
  label: AeadLabel,
  key: Uint8Array,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  adParts: Uint8Array[] = [],
): Uint8Array | null {
  if (key.length !== KEY_BYTES || nonce.length !== AEAD_NONCE_BYTES || ciphertext.length < AEAD_TAG_BYTES) return null;
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, frame(label, ...adParts), nonce, key);
  } catch {
    return null;
  }
}

/** Anonymous sealed box to an X25519 public key (no label: callers sign or bind around it). */
export function boxSeal(message: Uint8Array, publicKey: Uint8Array): Uint8Array {
  return sodium.crypto_box_seal(message, publicKey);
}

export function boxSealOpen(ciphertext: Uint8Array, publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array | null {
  if (ciphertext.length < SEALED_BOX_OVERHEAD) return null;
  try {
    return sodium.crypto_box_seal_open(ciphertext, publicKey, secretKey);
  } catch {
    return null;
  }
}

/** Overwrites key material in place. (Strings cannot be wiped: keep keys in Uint8Arrays.) */
export function memzero(bytes: Uint8Array): void {
  sodium.memzero(bytes);
}

export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && sodium.memcmp(a, b);
}
