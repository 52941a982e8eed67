// Node relay only (it kills and restarts the process on one SQLite file and
// BLOB_DIR): a relay killed mid-upload shows no partial blob and the upload
// resumes; the retention purge deletes blob files, and unfinished uploads
// expire with their files.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadBlob, uploadBlob } from '../../client/sdk/blob-transfer';
import { RelayApi } from '../../client/sdk/relay-api';
import { toB64 } from '../../shared/crypto/encoding';
import { randomBytes } from '../../shared/crypto/primitives';
import { cryptoReady } from '../../shared/crypto/sodium';
import {
  AttachmentDecryption,
  AttachmentEncryption,
  attachmentCiphertextBytes,
  BLOB_PART_BYTES,
} from '../../shared/protocol/attachment';
import { TestDevice } from '../support/api-client';
import { expectError, request } from '../support/http';
import { type ServerProcess, startServer } from '../support/server-process';

const MiB = 1024 * 1024;
let first: ServerProcess;
let later: ServerProcess | undefined;

beforeAll(async () => {
  await cryptoReady();
  first = await startServer();
});
afterAll(async () => {
  await later?.stop();
  await first.destroy();
});

const apiFor = (server: ServerProcess, device: TestDevice) => {
  const api = new RelayApi(server.url);
  api.token = device.token;
  return api;
};
const dirOf = (kind: 'blobs' | 'uploads') => path.join(path.dirname(first.dbPath), 'blobs', kind);

describe('attachment durability', () => {
  let admin: TestDevice;
  let brief: string;
  let kept: { blobId: string; key: Uint8Array; hash: Uint8Array; size: number };
  let expiring: string;
  let unfinished: string;

  it('a relay killed mid-upload shows no partial blob; after the restart the upload goes on and completes', async () => {
    admin = await TestDevice.create(first);
    const groupId = await admin.createGroup();
    const api = apiFor(first, admin);
    const size = attachmentCiphertextBytes(4 * MiB);
    const created = await (
      await api.sendRaw(`/v1/groups/${groupId}/blobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ size, deleteToken: toB64(randomBytes(32)) }),
      })
    ).json();
    const blob = Buffer.from(randomBytes(size));
    const put = (a: RelayApi, i: number) =>
      a.sendRaw(`/v1/groups/${groupId}/blobs/${created.blobId}/parts/${i}`, {
        method: 'PUT',
        body: blob.subarray(i * BLOB_PART_BYTES, Math.min(size, (i + 1) * BLOB_PART_BYTES)),
      });
    await put(api, 0);
    await put(api, 1);
    await first.crash!();
    expect(await readdir(dirOf('blobs'))).not.toContain(created.blobId);
    await first.restart();
    await admin.login();
    const again = apiFor(first, admin);
    const status = await (
      await again.sendRaw(`/v1/groups/${groupId}/blobs/${created.blobId}/upload`, { method: 'GET' })
    ).json();
    expect(status.received).toBe(2 * BLOB_PART_BYTES);
    for (let i = 2; i * BLOB_PART_BYTES < size; i++) await put(again, i);
    await again.sendRaw(`/v1/groups/${groupId}/blobs/${created.blobId}/complete`, { method: 'POST' });
    const back: Buffer[] = [];
    await downloadBlob(again, groupId, created.blobId, (b) => back.push(Buffer.from(b)));
    expect(Buffer.compare(Buffer.concat(back), blob)).toBe(0);
  });

  it('the retention purge deletes expired blob files and unfinished uploads, and keeps the rest', async () => {
    const api = apiFor(first, admin);
    brief = await admin.createGroup({ retentionSeconds: 3600 });
    const keep = await admin.createGroup();
    const file = randomBytes(300_000);
    const send = async (groupId: string) => {
      const enc = new AttachmentEncryption(file.length);
      const up = await uploadBlob(api, groupId, enc.ciphertextBytes, enc.chunks([file]));
      return { blobId: up.blobId, key: enc.key, hash: enc.hash, size: file.length };
    };
    expiring = (await send(brief)).blobId;
    kept = await send(keep);
    const pending = await (
      await api.sendRaw(`/v1/groups/${keep}/blobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ size: attachmentCiphertextBytes(2 * MiB), deleteToken: toB64(randomBytes(32)) }),
      })
    ).json();
    unfinished = pending.blobId;
    await api.sendRaw(`/v1/groups/${keep}/blobs/${unfinished}/parts/0`, {
      method: 'PUT',
      body: Buffer.from(randomBytes(BLOB_PART_BYTES)),
    });
    expect(await readdir(dirOf('blobs'))).toEqual(expect.arrayContaining([expiring, kept.blobId]));
    expect(await readdir(dirOf('uploads'))).toContain(unfinished);

    // Two days later (same database and BLOB_DIR, clock moved forward): the purge runs at start.
    await first.stop();
    later = await startServer({ dbPath: first.dbPath, env: { CLOCK_SKEW_SECONDS: String(2 * 24 * 3600) } });
    admin.server = later;
    await admin.login();
    // The purge deletes one blob after another, in no set order: wait for both.
    const left = async () => [
      ...(await readdir(dirOf('blobs'))).filter((id) => id === expiring),
      ...(await readdir(dirOf('uploads'))).filter((id) => id === unfinished),
    ];
    await expect.poll(left, { timeout: 5000 }).toEqual([]);
    const gone = await request(later.url, 'GET', `/v1/groups/${brief}/blobs/${expiring}`, undefined, {
      token: admin.token,
    });
    expectError(gone, 404, 'blob_not_found');
    const dec = new AttachmentDecryption(kept);
    await downloadBlob(apiFor(later, admin), keep, kept.blobId, (b) => dec.update(b));
    expect(Buffer.compare(Buffer.from(dec.finish()), Buffer.from(file))).toBe(0);
  });
});
