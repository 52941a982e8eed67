// `npm run backup -- FILE` also copies the finished attachment blobs the copied
// database lists into FILE.blobs/ (private, whole files), and says so.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadBlob } from '../../../client/sdk/blob-transfer';
import { RelayApi } from '../../../client/sdk/relay-api';
import { randomBytes } from '../../../shared/crypto/primitives';
import { cryptoReady } from '../../../shared/crypto/sodium';
import { attachmentCiphertextBytes } from '../../../shared/protocol/attachment';
import { TestDevice } from '../../support/api-client';
import { REPO_ROOT, type ServerProcess, startServer } from '../../support/server-process';

let live: ServerProcess;
let dir: string;

beforeAll(async () => {
  await cryptoReady();
  live = await startServer();
  dir = await mkdtemp(path.join(os.tmpdir(), 'mindeulle-backup-blobs-'));
});
afterAll(async () => {
  await live?.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe('npm run backup with attachments', () => {
  it('copies every finished blob beside the database copy, and leaves unfinished uploads out', async () => {
    const admin = await TestDevice.create(live);
    const groupId = await admin.createGroup();
    const api = new RelayApi(live.url);
    api.token = admin.token;
    const size = attachmentCiphertextBytes(1);
    const bytes = randomBytes(size);
    const { blobId } = await uploadBlob(
      api,
      groupId,
      size,
      (async function* () {
        yield bytes;
      })(),
    );
    // an upload never finished
    await api.sendRaw(`/v1/groups/${groupId}/blobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ size, deleteToken: Buffer.from(randomBytes(32)).toString('base64url') }),
    });

    const file = path.join(dir, 'relay.db');
    const run = spawnSync('npm', ['run', '--silent', 'backup', '--', file, '--db', live.dbPath], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`attachments copied: 1 into ${file}.blobs`);
    expect(await readdir(`${file}.blobs`)).toEqual([blobId]);
    expect(Buffer.compare(await readFile(path.join(`${file}.blobs`, blobId)), Buffer.from(bytes))).toBe(0);
    expect((await stat(`${file}.blobs`)).mode & 0o777).toBe(0o700);
  });
});
