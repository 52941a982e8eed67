// Attachment blobs in R2 under local workerd, looked at from outside the
// Worker (`wrangler r2 object get --local` on its persist directory): deleting
// a blob with its delete token removes its record and every part, and the cron
// purge removes the objects of expired blobs and of unfinished uploads past
// BLOB_UPLOAD_TTL_SECONDS, keeping the rest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { r2PartKey, r2RecordKey } from '../../server/blob-store/r2-layout';
import { randomBytes } from '../../shared/crypto/primitives';
import { cryptoReady } from '../../shared/crypto/sodium';
import { BLOB_PART_BYTES } from '../../shared/protocol/attachment';
import { TestDevice } from '../support/api-client';
import { receiveAttachment, relayApiFor, sendAttachment, startUnfinishedUpload } from '../support/attachment-transfer';
import { request } from '../support/http';
import { localR2Object, startWorker, type WorkerProcess } from '../support/worker-process';

const started: WorkerProcess[] = [];
beforeAll(cryptoReady);
afterAll(async () => {
  for (const w of started.reverse()) await w.destroy();
});

const objectsOf = (blobId: string, parts: number) => [
  r2RecordKey(blobId),
  ...Array.from({ length: parts }, (_, i) => r2PartKey(blobId, i)),
];

async function present(persistDir: string, keys: string[]): Promise<boolean[]> {
  const found: boolean[] = [];
  for (const key of keys) found.push((await localR2Object(persistDir, key)) !== null);
  return found;
}

describe('attachment blobs in R2', () => {
  it('deleting a blob with its delete token removes its record and every part from R2', {
    timeout: 120_000,
  }, async () => {
    const worker = await startWorker();
    started.push(worker);
    const admin = await TestDevice.create(worker);
    const groupId = await admin.createGroup();
    const sent = await sendAttachment(relayApiFor(worker.url, admin), groupId, randomBytes(BLOB_PART_BYTES + 5000));
    const keys = objectsOf(sent.blob.blobId, 2);
    expect(await present(worker.persistDir, keys)).toEqual([true, true, true]);
    const record = JSON.parse(String(await localR2Object(worker.persistDir, keys[0]!)));
    expect(record.parts).toBe(2);

    const del = await request(
      worker.url,
      'DELETE',
      `/v1/groups/${groupId}/blobs/${sent.blob.blobId}`,
      { deleteToken: sent.blob.deleteToken },
      { token: admin.token },
    );
    expect(del.status).toBe(200);
    expect(await present(worker.persistDir, keys)).toEqual([false, false, false]);
  });

  it('the cron purge deletes the R2 objects of expired blobs and of unfinished uploads past BLOB_UPLOAD_TTL_SECONDS, and keeps the rest', {
    timeout: 180_000,
  }, async () => {
    const ttl = { BLOB_UPLOAD_TTL_SECONDS: '3600' };
    const first = await startWorker({ env: ttl });
    started.push(first);
    const admin = await TestDevice.create(first);
    const keep = await admin.createGroup();
    const brief = await admin.createGroup({ retentionSeconds: 3600 });
    const api = relayApiFor(first.url, admin);
    const expiring = await sendAttachment(api, brief, randomBytes(2000));
    const file = randomBytes(3000);
    const kept = await sendAttachment(api, keep, file);
    const unfinished = await startUnfinishedUpload(api, keep);
    const expiringKeys = objectsOf(expiring.blob.blobId, 1);
    const unfinishedPart = r2PartKey(unfinished, 0);
    expect(await present(first.persistDir, [...expiringKeys, unfinishedPart])).toEqual([true, true, true]);
    await first.stop();

    // Three hours later (same state, clock moved forward), the cron fires.
    const later = await startWorker({
      persistDir: first.persistDir,
      env: { ...ttl, CLOCK_SKEW_SECONDS: String(3 * 3600 + 60) },
    });
    started.push(later);
    const cron = await fetch(`${later.url}/__scheduled?cron=${encodeURIComponent('*/5 * * * *')}`);
    expect(cron.status).toBe(200);
    await expect.poll(() => later.logs(), { timeout: 15_000 }).toMatch(/purge messages=\d+ blobs=2/);

    expect(await present(later.persistDir, [...expiringKeys, unfinishedPart])).toEqual([false, false, false]);
    expect(await present(later.persistDir, objectsOf(kept.blob.blobId, 1))).toEqual([true, true]);
    admin.server = later;
    await admin.login();
    expect(await receiveAttachment(relayApiFor(later.url, admin), keep, kept)).toEqual(file);
  });
});
