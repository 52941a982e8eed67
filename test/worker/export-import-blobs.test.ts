// Attachments move with the relay: `npm run export` on Node copies every
// finished blob (with its SHA-256) beside the SQL file, `npm run import` puts
// them into R2 as the Worker lays them out, and the way back (export from D1
// and R2, import into a new SQLite file and BLOB_DIR) brings the same bytes
// home. After each move a member downloads and decrypts the file; an
// unfinished upload moves neither its row nor its bytes.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportFromWorkers, exportToFile, importFile, importToNode } from '../../server/tools/export-import';
import { blobsFolderOf, readManifest } from '../../server/tools/move-folder';
import { randomBytes } from '../../shared/crypto/primitives';
import { cryptoReady } from '../../shared/crypto/sodium';
import { BLOB_PART_BYTES } from '../../shared/protocol/attachment';
import { receiveAttachment, relayApiFor, sendAttachment, startUnfinishedUpload } from '../support/attachment-transfer';
import { makeServerGroup } from '../support/fixtures';
import { expectError, requestOnFreshConnection } from '../support/http';
import { type ServerProcess, startServer } from '../support/server-process';
import { offlineWranglerEnv, startWorker, type WorkerProcess } from '../support/worker-process';

const running: (ServerProcess | WorkerProcess)[] = [];
let dir: string | undefined;
beforeAll(cryptoReady);
afterAll(async () => {
  for (const p of running.reverse()) await p.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
/** The Node relay's finished blob file (BLOB_DIR defaults to `blobs` beside the database). */
const blobFileOf = (dbPath: string, blobId: string) => path.join(path.dirname(dbPath), 'blobs', 'blobs', blobId);

describe('export and import carry attachment blobs', () => {
  it('a blob goes Node → Workers → Node with the same bytes, a member decrypts it after each move, and an unfinished upload stays behind', {
    timeout: 240_000,
  }, async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mindeulle-move-blobs-'));
    const node = await startServer();
    running.push(node);
    const { admin, members, groupId } = await makeServerGroup(node, ['member']);
    const member = members[0]!;
    const file = randomBytes(BLOB_PART_BYTES + 70_000); // two parts
    const sent = await sendAttachment(relayApiFor(node.url, admin), groupId, file);
    const unfinished = await startUnfinishedUpload(relayApiFor(node.url, admin), groupId);
    await node.stop();
    const original = sha256(blobFileOf(node.dbPath, sent.blob.blobId));

    // Node -> FILE: the blob and its hash beside the SQL; the unfinished upload in neither.
    const first = path.join(dir, 'relay.sql');
    const exported = exportToFile(node.dbPath, first);
    expect(exported.tables.get('blobs')).toBe(1);
    expect(exported.blobs).toMatchObject({ copied: 1, missing: 0 });
    expect(readManifest(blobsFolderOf(first))).toEqual(new Map([[sent.blob.blobId, original]]));
    expect(readFileSync(first, 'utf8')).not.toContain(unfinished);

    // FILE -> D1 + R2; the Worker serves the blob to the member (same session).
    const persistDir = path.join(dir, 'state');
    const wranglerOpts = { persistTo: persistDir, env: offlineWranglerEnv(), quiet: true };
    expect(importFile(first, wranglerOpts).blobs).toBe(1);
    const worker = await startWorker({ persistDir });
    running.push(worker);
    expect(await receiveAttachment(relayApiFor(worker.url, member), groupId, sent)).toEqual(file);
    // a fresh connection: workerd may close the one the streamed download used
    const status = await requestOnFreshConnection(
      worker.url,
      'GET',
      `/v1/groups/${groupId}/blobs/${unfinished}/upload`,
      '',
      { authorization: `Bearer ${admin.token}` },
    );
    expectError(status, 404, 'blob_not_found');
    await worker.stop();

    // D1 + R2 -> FILE -> a new SQLite file and BLOB_DIR: the same bytes as on the first Node relay.
    const back = path.join(dir, 'back.sql');
    const returned = exportFromWorkers(back, wranglerOpts);
    expect(returned.blobs).toMatchObject({ copied: 1, missing: 0 });
    expect(readManifest(blobsFolderOf(back)).get(sent.blob.blobId)).toBe(original);
    const homeDb = path.join(dir, 'home', 'relay.db');
    expect(importToNode(back, homeDb).blobs).toBe(1);
    expect(sha256(blobFileOf(homeDb, sent.blob.blobId))).toBe(original);
    expect(readdirSync(path.dirname(blobFileOf(homeDb, sent.blob.blobId)))).toEqual([sent.blob.blobId]);
    expect(existsSync(path.join(path.dirname(homeDb), 'blobs', 'uploads', unfinished))).toBe(false);

    const home = await startServer({ dbPath: homeDb });
    running.push(home);
    expect(await receiveAttachment(relayApiFor(home.url, member), groupId, sent)).toEqual(file);
  });
});
