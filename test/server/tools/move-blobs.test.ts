// The attachments an export carries (server/tools/move-folder.ts): the Node
// relay's finished blob files are copied with their SHA-256, a blob deleted
// meanwhile is counted as missing, the import writes the same bytes under a new
// BLOB_DIR, and a blob whose bytes changed on the way is refused whole.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportNodeBlobs } from '../../../server/tools/export-blobs';
import { importBlobsToNode } from '../../../server/tools/import-blobs';
import { readManifest } from '../../../server/tools/move-folder';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mindeulle-move-blobs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const ID = 'AbCdEfGhIjKlMnOpQrStUv';
const GONE = 'ZyXwVuTsRqPoNmLkJiHgFe';

describe('moving attachment blobs between BLOB_DIRs', () => {
  it('copies the finished blobs with their hashes, and the import writes the same bytes', () => {
    const bytes = Buffer.alloc(2 * 1024 * 1024 + 3, 7);
    bytes[1234] = 9;
    mkdirSync(path.join(dir, 'old', 'blobs'), { recursive: true });
    writeFileSync(path.join(dir, 'old', 'blobs', ID), bytes);

    const folder = path.join(dir, 'relay.sql.blobs');
    expect(exportNodeBlobs([ID, GONE], path.join(dir, 'old'), folder)).toMatchObject({ copied: 1, missing: 1 });
    expect(readManifest(folder)).toEqual(new Map([[ID, sha256(bytes)]]));
    expect(readdirSync(folder).sort()).toEqual([ID, 'SHA256SUMS']);

    expect(importBlobsToNode(folder, path.join(dir, 'new'))).toBe(1);
    expect(readFileSync(path.join(dir, 'new', 'blobs', ID)).equals(bytes)).toBe(true);
  });

  it('refuses a blob whose bytes changed after the export, and writes nothing for it', () => {
    const folder = path.join(dir, 'relay.sql.blobs');
    const copy = readFileSync(path.join(folder, ID));
    copy[0]! ^= 1;
    writeFileSync(path.join(folder, ID), copy);
    expect(() => importBlobsToNode(folder, path.join(dir, 'other'))).toThrow(/does not match its hash/);
    expect(readdirSync(path.join(dir, 'other'), { recursive: true })).toEqual(['uploads']);
  });
});
