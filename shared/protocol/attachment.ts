// Attachments (PROTOCOL.md section 17): a file is encrypted on the device under a
// fresh random key with crypto_secretstream in 64 KiB chunks, after padding it
// to a size bucket, so the relay holds random bytes of a coarse size. The
// ordinary E2EE message carries the descriptor (blob id, key, ciphertext hash,
// name, type, size, thumbnail); without it the blob opens for no one.
// No I/O here: callers feed and take chunks (the SDK streams them to the relay).
import { z } from 'zod';
import { toB64, utf8 } from '../crypto/encoding';
import { LABELS } from '../crypto/labels';
import {
  constantTimeEqual,
  hash,
  hashStream,
  KEY_BYTES,
  randomBytes,
  SECRETSTREAM_ABYTES,
  SECRETSTREAM_HEADER_BYTES,
  type StreamingHash,
  secretstreamPull,
  secretstreamPush,
} from '../crypto/primitives';

export const ATTACHMENT_CHUNK_BYTES = 65536;
const SEALED_CHUNK_BYTES = ATTACHMENT_CHUNK_BYTES + SECRETSTREAM_ABYTES;

/**
 * The padded plaintext length for a file of `size` bytes: Padmé (the length
 * keeps only its top bits, at most ~12% overhead, so a size class leaks
 * O(log log n) bits), rounded up to whole 64 KiB chunks. At least one chunk.
 */
export function paddedAttachmentBytes(size: number): number {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError('bad attachment size');
  const n = Math.max(size, 1);
  const e = Math.floor(Math.log2(n));
  const s = Math.floor(Math.log2(e || 1)) + 1;
  const step = 2 ** Math.max(e - s, 0);
  const padme = Math.ceil(n / step) * step;
  return Math.ceil(padme / ATTACHMENT_CHUNK_BYTES) * ATTACHMENT_CHUNK_BYTES;
}

/** Bytes the relay stores for a file of `size` bytes: header plus sealed chunks. */
export function attachmentCiphertextBytes(size: number): number {
  return SECRETSTREAM_HEADER_BYTES + (paddedAttachmentBytes(size) / ATTACHMENT_CHUNK_BYTES) * SEALED_CHUNK_BYTES;
}

/** Whether n is a length some padded attachment has (the relay refuses any other). */
export function isAttachmentCiphertextLength(n: number): boolean {
  return (
    Number.isSafeInteger(n) &&
    n > SECRETSTREAM_HEADER_BYTES &&
    (n - SECRETSTREAM_HEADER_BYTES) % SEALED_CHUNK_BYTES === 0
  );
}

const b64url = (chars: number) => z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${chars}}$`));
export const MAX_ATTACHMENT_NAME_CHARS = 255;
/** A thumbnail rides inside the message: it must leave room in the largest envelope. */
export const MAX_THUMBNAIL_CHARS = 24_000;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const dimension = z.number().int().min(1).max(100_000);

/** What a recipient needs to fetch, check and open one attachment. */
export const attachmentDescriptorSchema = z.object({
  /** the relay's blob id (16 bytes, base64url) */
  id: b64url(22),
  /** the file key (32 bytes, base64url) */
  key: b64url(43),
  /** attachmentHash of the whole ciphertext (32 bytes, base64url) */
  hash: b64url(43),
  name: z
    .string()
    .min(1)
    .max(MAX_ATTACHMENT_NAME_CHARS)
    .refine((s) => !LONE_SURROGATE.test(s) && !/[/\\\0]/.test(s), 'name must be a plain file name'),
  /** media type as sent, e.g. image/jpeg; shown, never trusted to run anything */
  type: z
    .string()
    .max(127)
    .regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/),
  /** the file's exact size in bytes (the blob is padded) */
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** images: dimensions of the (stripped) image and a small JPEG/PNG/WebP preview, base64url */
  image: z
    .object({
      width: dimension,
      height: dimension,
      thumbnail: z
        .string()
        .max(MAX_THUMBNAIL_CHARS)
        .regex(/^[A-Za-z0-9_-]*$/)
        .optional(),
    })
    .optional(),
});
export type AttachmentDescriptor = z.infer<typeof attachmentDescriptorSchema>;

export type AttachmentErrorCode = 'size_mismatch' | 'truncated' | 'tampered' | 'wrong_key';

export class AttachmentError extends Error {
  constructor(
    readonly code: AttachmentErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AttachmentError';
  }
}

/** Cuts a stream of arbitrary pieces into exact `size`-byte chunks (the last may be shorter). */
async function* rechunk(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, size: number) {
  let pending = new Uint8Array(size);
  let filled = 0;
  for await (const piece of source) {
    let at = 0;
    while (at < piece.length) {
      const take = Math.min(size - filled, piece.length - at);
      pending.set(piece.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === size) {
        yield pending;
        pending = new Uint8Array(size);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield pending.subarray(0, filled);
}

/**
 * Encrypts one file. `chunks(source)` yields the ciphertext (header first) as
 * the source is read, never holding more than a chunk; once it has finished,
 * `hash` is the ciphertext hash for the descriptor. The source must yield
 * exactly `size` bytes.
 */
export class AttachmentEncryption {
  readonly key = randomBytes(KEY_BYTES);
  readonly ciphertextBytes: number;
  #hash: Uint8Array | null = null;

  constructor(readonly size: number) {
    this.ciphertextBytes = attachmentCiphertextBytes(size);
  }

  get hash(): Uint8Array {
    if (!this.#hash) throw new Error('the attachment has not been encrypted yet');
    return this.#hash;
  }

  async *chunks(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    const stream = secretstreamPush(LABELS.attachmentChunk, this.key);
    const hasher = hashStream(LABELS.attachmentHash);
    const chunkCount = paddedAttachmentBytes(this.size) / ATTACHMENT_CHUNK_BYTES;
    hasher.update(stream.header);
    yield stream.header;
    let index = 0;
    let read = 0;
    const seal = (plain: Uint8Array) => {
      index += 1;
      const sealed = stream.push(plain, index === chunkCount);
      hasher.update(sealed);
      return sealed;
    };
    for await (const piece of rechunk(source, ATTACHMENT_CHUNK_BYTES)) {
      read += piece.length;
      if (read > this.size) throw new AttachmentError('size_mismatch', 'the file is longer than its stated size');
      const full = new Uint8Array(ATTACHMENT_CHUNK_BYTES); // zero padding after the file's last byte
      full.set(piece);
      yield seal(full);
    }
    if (read !== this.size) throw new AttachmentError('size_mismatch', 'the file is shorter than its stated size');
    while (index < chunkCount) yield seal(new Uint8Array(ATTACHMENT_CHUNK_BYTES));
    this.#hash = hasher.digest();
  }
}

/**
 * Checks and opens one blob as its bytes arrive, into a buffer the caller gets
 * only from finish() once every chunk opened, the final tag was seen, the
 * length and hash match and the padding is zero. Any failure wipes the buffer
 * and throws an AttachmentError: no partial file ever leaves.
 */
export class AttachmentDecryption {
  readonly #out: Uint8Array;
  readonly #expected: number;
  readonly #hasher: StreamingHash;
  readonly #key: Uint8Array;
  readonly #hash: Uint8Array;
  #pending = new Uint8Array(0);
  #received = 0;
  #written = 0;
  #stream: ReturnType<typeof secretstreamPull> | undefined;
  #opened = true;
  #final = false;

  constructor(descriptor: { key: Uint8Array; hash: Uint8Array; size: number }) {
    this.#out = new Uint8Array(descriptor.size);
    this.#expected = attachmentCiphertextBytes(descriptor.size);
    this.#hasher = hashStream(LABELS.attachmentHash);
    this.#key = descriptor.key;
    this.#hash = descriptor.hash;
  }

  update(bytes: Uint8Array): void {
    this.#received += bytes.length;
    if (this.#received > this.#expected) this.#fail('tampered', 'the attachment is longer than it should be');
    this.#hasher.update(bytes);
    if (!this.#opened) return; // keep hashing: finish() tells a changed blob from a wrong key
    const joined = new Uint8Array(this.#pending.length + bytes.length);
    joined.set(this.#pending);
    joined.set(bytes, this.#pending.length);
    let at = 0;
    if (this.#stream === undefined) {
      if (joined.length < SECRETSTREAM_HEADER_BYTES) {
        this.#pending = joined;
        return;
      }
      this.#stream = secretstreamPull(LABELS.attachmentChunk, this.#key, joined.subarray(0, SECRETSTREAM_HEADER_BYTES));
      at = SECRETSTREAM_HEADER_BYTES;
    }
    while (this.#opened && joined.length - at >= SEALED_CHUNK_BYTES) {
      this.#open(joined.subarray(at, at + SEALED_CHUNK_BYTES));
      at += SEALED_CHUNK_BYTES;
    }
    this.#pending = joined.slice(at);
  }

  finish(): Uint8Array {
    if (this.#received < this.#expected) this.#fail('truncated', 'the attachment was cut short');
    if (!constantTimeEqual(this.#hasher.digest(), this.#hash))
      this.#fail('tampered', 'the attachment was changed after it was sent');
    if (!this.#opened || !this.#final) this.#fail('wrong_key', 'the attachment does not open with its key');
    return this.#out;
  }

  #open(sealed: Uint8Array): void {
    const opened = this.#stream?.pull(sealed) ?? null;
    if (!opened || this.#final) {
      this.#opened = false;
      this.#out.fill(0);
      return;
    }
    this.#final = opened.last;
    const keep = Math.min(opened.message.length, this.#out.length - this.#written);
    this.#out.set(opened.message.subarray(0, keep), this.#written);
    this.#written += keep;
    if (opened.message.subarray(keep).some((b) => b !== 0)) {
      this.#opened = false;
      this.#out.fill(0);
    }
  }

  #fail(code: AttachmentErrorCode, message: string): never {
    this.#out.fill(0);
    this.#opened = false;
    throw new AttachmentError(code, message);
  }
}

/** Bytes of each upload part but the last (PROTOCOL.md section 17): a phone on a bad line resends at most this much. */
export const BLOB_PART_BYTES = 1024 * 1024;

/** What the relay stores for a blob's delete token (only the uploader holds the token). */
export function blobDeleteTokenHash(token: string): string {
  return toB64(hash(LABELS.blobDeleteToken, [utf8(token)]));
}
