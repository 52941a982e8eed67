// Thin, labelled wrappers over libsodium. Every call names its domain label,
// so a value made for one use can never verify or decrypt in another.
import { frame } from './encoding';
import type { Label } from './labels';
import { sodium } from './sodium';

export function randomBytes(length: number): Uint8Array {
  return sodium.randombytes_buf(length);
}

/** BLAKE2b over the framed label and parts. */
export function hash(label: Label, parts: Uint8Array[], length = 32): Uint8Array {
  return sodium.crypto_generichash(length, frame(label, ...parts), null);
}

export function sign(label: Label, message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return sodium.crypto_sign_detached(frame(label, message), secretKey);
}

export function verify(
  label: Label,
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

export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && sodium.memcmp(a, b);
}
