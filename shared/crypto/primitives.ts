// Thin, labelled wrappers over libsodium. Every call names its domain label,
// so a value made for one use can never verify or decrypt in another. The
// label types only accept labels registered for that primitive in labels.ts.
import { frame } from './encoding';
import type { AeadLabel, HashLabel, KdfLabel, SecretstreamLabel, SignatureLabel } from './labels';
import { sodium } from './sodium';

export const KEY_BYTES = 32;
export const AEAD_NONCE_BYTES = 24; // XChaCha20-Poly1305: random nonces are safe
export const AEAD_TAG_BYTES = 16;
export const SIGNATURE_BYTES = 64;
export const SEALED_BOX_OVERHEAD = 48; // ephemeral X25519 public key + MAC

/** getRandomValues fills at most this many bytes per call (Web Crypto). */
const MAX_RANDOM_CHUNK = 65536;

/**
 * Small requests (a message's id and nonces, a key) are served from one block
 * drawn from the platform CSPRNG at a time: each call to it costs several µs
 * in Node, as much as an AEAD. Bytes handed out are erased from the block, so
 * none of them stays behind in memory.
 */
const POOL_BYTES = 4096;
const MAX_POOLED_REQUEST = 256;
const pool = new Uint8Array(POOL_BYTES);
let poolAt = POOL_BYTES;

/**
 * The platform CSPRNG (Web Crypto, in browsers, Node and Workers alike), the
 * same source libsodium's JavaScript build draws from, but one call per
 * buffer (or per pool block): libsodium's randombytes_buf calls it once per 4
 * bytes, which made nonces the largest cost of sealing a message.
 */
export function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  if (length <= MAX_POOLED_REQUEST) {
    if (poolAt + length > POOL_BYTES) {
      crypto.getRandomValues(pool);
      poolAt = 0;
    }
    out.set(pool.subarray(poolAt, poolAt + length));
    pool.fill(0, poolAt, (poolAt += length));
    return out;
  }
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

export const SECRETSTREAM_HEADER_BYTES = 24; // crypto_secretstream_xchacha20poly1305_HEADERBYTES
export const SECRETSTREAM_ABYTES = 17; // crypto_secretstream_xchacha20poly1305_ABYTES

/**
 * One direction of crypto_secretstream_xchacha20poly1305 with the label framed
 * into every chunk's associated data. `last` marks the final chunk (TAG_FINAL):
 * a stream cut after any other chunk never reads as complete.
 */
export interface SecretstreamPush {
  readonly header: Uint8Array;
  push(chunk: Uint8Array, last: boolean): Uint8Array;
}

export function secretstreamPush(label: SecretstreamLabel, key: Uint8Array): SecretstreamPush {
  if (key.length !== KEY_BYTES) throw new RangeError('bad secretstream key length');
  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  const ad = frame(label);
  const { TAG_FINAL, TAG_MESSAGE } = secretstreamTags();
  return {
    header,
    push: (chunk, last) =>
      sodium.crypto_secretstream_xchacha20poly1305_push(state, chunk, ad, last ? TAG_FINAL : TAG_MESSAGE),
  };
}

export interface SecretstreamPull {
  /** The chunk's plaintext and whether it was the final one, or null if it does not open (key, label, order, bytes). */
  pull(chunk: Uint8Array): { message: Uint8Array; last: boolean } | null;
}

/** null when the header is not a header (wrong length). */
export function secretstreamPull(
  label: SecretstreamLabel,
  key: Uint8Array,
  header: Uint8Array,
): SecretstreamPull | null {
  if (key.length !== KEY_BYTES || header.length !== SECRETSTREAM_HEADER_BYTES) return null;
  let state: ReturnType<typeof sodium.crypto_secretstream_xchacha20poly1305_init_pull>;
  try {
    state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(header, key);
  } catch {
    return null;
  }
  const ad = frame(label);
  const { TAG_FINAL } = secretstreamTags();
  return {
    pull: (chunk) => {
      if (chunk.length < SECRETSTREAM_ABYTES) return null;
      try {
        const out = sodium.crypto_secretstream_xchacha20poly1305_pull(state, chunk, ad);
        if (!out) return null;
        return { message: out.message, last: out.tag === TAG_FINAL };
      } catch {
        return null;
      }
    },
  };
}

function secretstreamTags(): { TAG_FINAL: number; TAG_MESSAGE: number } {
  return {
    TAG_FINAL: sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL,
    TAG_MESSAGE: sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
  };
}

/** BLAKE2b over the framed label followed by bytes fed in any number of pieces (no framing between pieces). */
export interface StreamingHash {
  update(bytes: Uint8Array): void;
  digest(): Uint8Array;
}

export function hashStream(label: HashLabel, length = 32): StreamingHash {
  const state = sodium.crypto_generichash_init(null, length);
  sodium.crypto_generichash_update(state, frame(label));
  return {
    update: (bytes) => sodium.crypto_generichash_update(state, bytes),
    digest: () => sodium.crypto_generichash_final(state, length),
  };
}
