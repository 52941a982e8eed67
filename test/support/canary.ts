// Canaries for privacy tests: unique strings that must never show up in the
// server's database files or logs, and a scan that looks for them byte by byte.
import { createCipheriv, randomBytes as nodeRandomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { bucketFor } from '../../shared/protocol/padding';

export function canary(tag: string): string {
  return `CANARY-${tag}-${nodeRandomBytes(6).toString('hex')}`;
}

/**
 * Stand-in for client encryption until the message envelope lands in
 * shared/protocol: ChaCha20-Poly1305 (node:crypto) under a throwaway key,
 * padded to a bucket. The server must treat it as opaque bytes either way.
 */
export function sealForTest(text: string, minBytes = 0): Uint8Array {
  const key = nodeRandomBytes(32);
  const nonce = nodeRandomBytes(12);
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  const sealed = Buffer.concat([nonce, cipher.update(text, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  const size = Math.max(sealed.length, minBytes);
  const out = new Uint8Array(minBytes ? (bucketFor(size) ?? size) : size);
  out.set(sealed);
  return out;
}

export interface Finding {
  where: string;
  needle: string;
}

/** Every file of a directory and its subdirectories (the database, its -wal and -shm, BLOB_DIR's attachments, anything else). */
export async function readDirFiles(dir: string): Promise<{ name: string; bytes: Buffer }[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const files = entries.filter((e) => e.isFile());
  return Promise.all(
    files.map(async (e) => {
      const full = path.join(e.parentPath, e.name);
      return { name: path.relative(dir, full), bytes: await readFile(full) };
    }),
  );
}

/**
 * Looks for each needle in each haystack: as UTF-8 text case-insensitively,
 * and (for `binary` needles) as raw bytes.
 */
export function scan(
  haystacks: { name: string; bytes: Buffer }[],
  needles: string[],
  binary: Uint8Array[] = [],
): Finding[] {
  const findings: Finding[] = [];
  for (const { name, bytes } of haystacks) {
    const lower = bytes.toString('latin1').toLowerCase();
    for (const n of needles) if (lower.includes(n.toLowerCase())) findings.push({ where: name, needle: n });
    for (const b of binary)
      if (bytes.indexOf(Buffer.from(b)) >= 0)
        findings.push({ where: name, needle: `bytes ${Buffer.from(b).toString('hex')}` });
  }
  return findings;
}
