import { beforeAll, describe, expect, it } from 'vitest';
import { toB64 } from '../../../shared/crypto/encoding';
import { randomBytes } from '../../../shared/crypto/primitives';
import { cryptoReady } from '../../../shared/crypto/sodium';
import {
  ATTACHMENT_CHUNK_BYTES,
  AttachmentDecryption,
  AttachmentEncryption,
  AttachmentError,
  attachmentCiphertextBytes,
  isAttachmentCiphertextLength,
  paddedAttachmentBytes,
} from '../../../shared/protocol/attachment';
import { decodePlaintext, encodePlaintext } from '../../../shared/protocol/plaintext';

beforeAll(cryptoReady);

async function encrypt(file: Uint8Array, pieceBytes = 10_000) {
  const enc = new AttachmentEncryption(file.length);
  const pieces = function* () {
    for (let at = 0; at < file.length; at += pieceBytes) yield file.subarray(at, at + pieceBytes);
  };
  const parts: Uint8Array[] = [];
  for await (const c of enc.chunks(pieces())) parts.push(c);
  const blob = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    blob.set(p, at);
    at += p.length;
  }
  return { blob, key: enc.key, hash: enc.hash, size: file.length };
}

function decrypt(blob: Uint8Array, d: { key: Uint8Array; hash: Uint8Array; size: number }, pieceBytes = 7_777) {
  const dec = new AttachmentDecryption(d);
  for (let at = 0; at < blob.length; at += pieceBytes) dec.update(blob.subarray(at, at + pieceBytes));
  return dec.finish();
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (e instanceof AttachmentError) return e.code;
    throw e;
  }
  return 'opened';
}

describe('attachment encryption', () => {
  it('round-trips files of awkward sizes, fed and read in uneven pieces', async () => {
    for (const size of [
      0,
      1,
      ATTACHMENT_CHUNK_BYTES - 1,
      ATTACHMENT_CHUNK_BYTES,
      ATTACHMENT_CHUNK_BYTES + 1,
      300_001,
    ]) {
      const file = randomBytes(size);
      const sealed = await encrypt(file);
      expect(sealed.blob.length).toBe(attachmentCiphertextBytes(size));
      expect(decrypt(sealed.blob, sealed)).toEqual(file);
    }
  });

  it('pads to a size bucket: nearby sizes give the same blob length, and the relay can check the length', async () => {
    expect(attachmentCiphertextBytes(1)).toBe(attachmentCiphertextBytes(60_000));
    expect(paddedAttachmentBytes(5_000_000)).toBe(paddedAttachmentBytes(5_010_000));
    for (const size of [1, 1_000_000, 25 * 1024 * 1024]) {
      expect(paddedAttachmentBytes(size)).toBeGreaterThanOrEqual(size);
      expect(paddedAttachmentBytes(size)).toBeLessThanOrEqual(Math.max(size * 1.125, ATTACHMENT_CHUNK_BYTES));
      expect(isAttachmentCiphertextLength(attachmentCiphertextBytes(size))).toBe(true);
      expect(isAttachmentCiphertextLength(attachmentCiphertextBytes(size) + 1)).toBe(false);
    }
  });

  it('never shows the file in the blob', async () => {
    const file = new TextEncoder().encode('CANARY-attachment '.repeat(5000));
    const { blob } = await encrypt(file);
    expect(Buffer.from(blob).includes(Buffer.from('CANARY'))).toBe(false);
  });

  it('uses a fresh key for every file', async () => {
    const file = randomBytes(100);
    const a = await encrypt(file);
    const b = await encrypt(file);
    expect(toB64(a.key)).not.toBe(toB64(b.key));
    expect(toB64(a.hash)).not.toBe(toB64(b.hash));
  });

  it('refuses a source that is not the stated size', async () => {
    const enc = new AttachmentEncryption(10);
    await expect(
      (async () => {
        for await (const _ of enc.chunks([new Uint8Array(11)])) void _;
      })(),
    ).rejects.toMatchObject({ code: 'size_mismatch' });
  });

  it('a flipped byte, a cut blob or a wrong key gives a clear error and no output', async () => {
    const file = randomBytes(200_000);
    const sealed = await encrypt(file);
    for (const at of [0, 30, sealed.blob.length - 1]) {
      const flipped = sealed.blob.slice();
      flipped[at]! ^= 1;
      expect(codeOf(() => decrypt(flipped, sealed))).toBe('tampered');
    }
    expect(codeOf(() => decrypt(sealed.blob.subarray(0, sealed.blob.length - 100), sealed))).toBe('truncated');
    expect(codeOf(() => decrypt(sealed.blob.subarray(0, 24 + ATTACHMENT_CHUNK_BYTES + 17), sealed))).toBe('truncated');
    const longer = new Uint8Array(sealed.blob.length + 1);
    longer.set(sealed.blob);
    expect(codeOf(() => decrypt(longer, sealed))).toBe('tampered');
    expect(codeOf(() => decrypt(sealed.blob, { ...sealed, key: randomBytes(32) }))).toBe('wrong_key');
    // another blob swapped in under the right hash check still fails
    const other = await encrypt(randomBytes(200_000));
    expect(codeOf(() => decrypt(other.blob, sealed))).toBe('tampered');
    expect(codeOf(() => decrypt(other.blob, { ...sealed, hash: other.hash }))).toBe('wrong_key');
  });

  it('rides in an attachment message with its descriptor, and refuses path-like names', () => {
    const d = {
      id: toB64(randomBytes(16)),
      key: toB64(randomBytes(32)),
      hash: toB64(randomBytes(32)),
      name: '채무 계약서.jpg',
      type: 'image/jpeg',
      size: 123_456,
      image: { width: 1200, height: 1600, thumbnail: toB64(randomBytes(9_000)) },
    };
    const p = { type: 'attachment' as const, attachments: [d], text: '계약서예요', sentAt: 1 };
    expect(decodePlaintext(encodePlaintext(p))).toEqual(p);
    expect(() => encodePlaintext({ ...p, attachments: [{ ...d, name: '../etc/passwd' }] })).toThrow();
    expect(() => encodePlaintext({ ...p, attachments: [] })).toThrow();
  });
});
