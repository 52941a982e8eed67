// The blobs that travel with an export: FILE.blobs/ beside the SQL file, one
// file per finished blob named by its id (the ciphertext exactly as stored)
// and SHA256SUMS listing each one's hash, so the import checks that every
// blob arrives with the same bytes. Every file here is written to a temporary
// name, fsynced and renamed (then the folder fsynced), as the blob store does.
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { checkedBlobId } from '../blob-store/r2-layout';

export const MANIFEST = 'SHA256SUMS';
const CHUNK = 1024 * 1024;

export const blobsFolderOf = (sqlFile: string) => `${sqlFile}.blobs`;

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `dir/name` whole or not at all: `fill` writes to an open descriptor
 * of a temporary file, which is then fsynced and renamed into place.
 */
export function writeDurably(dir: string, name: string, fill: (fd: number) => void): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const partial = path.join(dir, `.${name}.partial`);
  const fd = openSync(partial, 'w', 0o600);
  try {
    fill(fd);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(partial, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(partial, path.join(dir, name));
  fsyncDir(dir);
}

/** Streams files (in order) into `fd`, 1 MiB at a time; returns their SHA-256 (hex) and length. */
export function appendFiles(fd: number, files: string[]): { sha256: string; size: number } {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(CHUNK);
  let size = 0;
  for (const file of files) {
    const from = openSync(file, 'r');
    try {
      for (let n = readSync(from, buffer, 0, CHUNK, null); n > 0; n = readSync(from, buffer, 0, CHUNK, null)) {
        writeSync(fd, buffer, 0, n);
        hash.update(buffer.subarray(0, n));
        size += n;
      }
    } finally {
      closeSync(from);
    }
  }
  return { sha256: hash.digest('hex'), size };
}

export function sha256File(file: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(CHUNK);
  const fd = openSync(file, 'r');
  try {
    for (let n = readSync(fd, buffer, 0, CHUNK, null); n > 0; n = readSync(fd, buffer, 0, CHUNK, null))
      hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** id -> SHA-256 (hex), in `sha256sum` format, so `sha256sum -c SHA256SUMS` checks the folder too. */
export function writeManifest(dir: string, hashes: Map<string, string>): void {
  const text = [...hashes].map(([id, sha256]) => `${sha256}  ${id}\n`).join('');
  writeDurably(dir, MANIFEST, (fd) => writeSync(fd, text));
}

/** The folder's blobs; none when an export has no folder (made before blobs moved, or with no blobs table). */
export function readManifest(dir: string): Map<string, string> {
  const hashes = new Map<string, string>();
  const file = path.join(dir, MANIFEST);
  if (!existsSync(file)) return hashes;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const match = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
    if (!match) throw new Error(`${file}: unreadable line`);
    hashes.set(checkedBlobId(match[2]!), match[1]!);
  }
  return hashes;
}

/** Throws unless the folder's copy of `id` has the hash the export recorded. */
export function checkBlob(dir: string, id: string, sha256: string): string {
  const file = path.join(dir, checkedBlobId(id));
  if (!existsSync(file)) throw new Error(`blob ${id} is listed in ${MANIFEST} but missing from ${dir}`);
  if (sha256File(file) !== sha256) throw new Error(`blob ${id} in ${dir} does not match its hash: not imported`);
  return file;
}
