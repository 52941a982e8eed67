// Byte helpers shared by the protocol and the wire schemas. No crypto here.

const B64URL_RE = /^[A-Za-z0-9_-]*$/;

export function toB64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]!);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes unpadded base64url; throws on any other alphabet or an impossible length. */
export function fromB64(text: string): Uint8Array {
  if (!B64URL_RE.test(text) || text.length % 4 === 1) throw new Error('invalid base64url');
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  if (toB64(out) !== text) throw new Error('non-canonical base64url');
  return out;
}

/** Length in bytes of a base64url string without decoding it. */
export function b64ByteLength(text: string): number {
  return Math.floor((text.length * 3) / 4);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export const utf8 = (text: string): Uint8Array => encoder.encode(text);
export const fromUtf8 = (bytes: Uint8Array): string => decoder.decode(bytes);

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function u32be(n: number): Uint8Array {
  const out = new Uint8Array(4);
  writeU32be(out, 0, n);
  return out;
}

function writeU32be(out: Uint8Array, at: number, n: number): void {
  out[at] = n >>> 24;
  out[at + 1] = (n >>> 16) & 0xff;
  out[at + 2] = (n >>> 8) & 0xff;
  out[at + 3] = n & 0xff;
}

/**
 * Unambiguous framing for everything that is hashed, signed or used as
 * associated data: the domain label and then each part, each preceded by its
 * 4-byte big-endian length. Two different (label, parts) never frame alike.
 */
export function frame(label: string, ...parts: Uint8Array[]): Uint8Array {
  // Written straight into one buffer: this runs several times per message sealed or opened.
  const labelBytes = labelUtf8(label);
  let size = 4 + labelBytes.length;
  for (const p of parts) size += 4 + p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const piece of [labelBytes, ...parts]) {
    writeU32be(out, at, piece.length);
    out.set(piece, at + 4);
    at += 4 + piece.length;
  }
  return out;
}

/** Domain labels are a few constants; their bytes are kept (bounded, in case a caller builds labels). */
const labelBytesCache = new Map<string, Uint8Array>();
const MAX_CACHED_LABELS = 256;

function labelUtf8(label: string): Uint8Array {
  let bytes = labelBytesCache.get(label);
  if (!bytes) {
    bytes = utf8(label);
    if (labelBytesCache.size < MAX_CACHED_LABELS) labelBytesCache.set(label, bytes);
  }
  return bytes;
}
