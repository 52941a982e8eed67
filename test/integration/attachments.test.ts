// Attachment blobs on the real relay (Node and Workers): a 25 MiB file and a photo go up in parts
// and come back whole; the upload resumes after the connection drops; limits answer 413/429 with their codes; only
// members reach a group's blobs; the canary inside a file shows up nowhere on
// the server; deleting with the token removes the blob. (Killed relay and purge:
// attachment-durability.test.ts, Node.)
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { UploadedBlob } from '../../client/sdk/blob-transfer';
import { RelayApi, RelayError } from '../../client/sdk/relay-api';
import { randomBytes } from '../../shared/crypto/primitives';
import { cryptoReady } from '../../shared/crypto/sodium';
import { attachmentCiphertextBytes, BLOB_PART_BYTES } from '../../shared/protocol/attachment';
import { TestDevice } from '../support/api-client';
import { receiveAttachment as receive, sendAttachment as send } from '../support/attachment-transfer';
import { canary, scan } from '../support/canary';
import { makeServerGroup, useServer } from '../support/fixtures';
import { expectError, request } from '../support/http';
import { onWorker } from '../support/targets';
import type { WorkerProcess } from '../support/worker-process';

const MiB = 1024 * 1024;
const QUOTA = 60 * MiB;

const ref = useServer({ env: { BLOB_GROUP_QUOTA_BYTES: String(QUOTA), BLOB_UPLOADS_PER_HOUR: '12' } });
const server = {
  get url() {
    return ref.current.url;
  },
  get dbPath() {
    return ref.current.dbPath;
  },
  logs: () => ref.current.logs(),
};
beforeAll(cryptoReady);

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

function apiFor(device: TestDevice, fetcher?: Fetch): RelayApi {
  const api = new RelayApi(server.url, fetcher);
  api.token = device.token;
  return api;
}

async function filesUnder(dir: string): Promise<{ name: string; bytes: Buffer }[]> {
  const out: { name: string; bytes: Buffer }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else out.push({ name: full, bytes: await readFile(full) });
  }
  return out;
}

const call = (method: string, at: string, who?: TestDevice, body?: unknown) =>
  request(server.url, method, at, body, who ? { token: who.token } : {});

/** Large arrays compared as bytes (toEqual walks them element by element). */
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

const blobDir = () => path.join(path.dirname(server.dbPath), 'blobs');
/** The Node relay's finished blob files (the Worker keeps them in R2: nothing to list, so every id passes). */
const storedBlobs = async () => (onWorker ? null : readdir(path.join(blobDir(), 'blobs')));
const expectStored = async (id: string, stored: boolean) => {
  const files = await storedBlobs();
  if (files) expect(files.includes(id), `blob file ${id}`).toBe(stored);
};

describe('attachment blobs', () => {
  it('a 25 MiB file goes up in parts and another member gets it back whole', async () => {
    const { groupId, admin, members } = await makeServerGroup(server);
    const file = randomBytes(25 * MiB);
    const seen: number[] = [];
    const sent = await send(apiFor(admin), groupId, file, { onProgress: (p) => seen.push(p.done) });
    expect(seen).toHaveLength(Math.ceil(attachmentCiphertextBytes(file.length) / BLOB_PART_BYTES));
    expect(seen.at(-1)).toBe(attachmentCiphertextBytes(file.length));
    expect(same(await receive(apiFor(members[0]!), groupId, sent), file)).toBe(true);
  });

  it('a photo round-trips, and the canary inside it shows nowhere in the blob dir, database, WAL or logs', async () => {
    const { groupId, admin, members } = await makeServerGroup(server);
    const mark = canary('photo');
    const photo = new Uint8Array(
      Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(mark.repeat(4000))]),
    );
    const sent = await send(apiFor(admin), groupId, photo);
    expect(await receive(apiFor(members[0]!), groupId, sent)).toEqual(photo);
    // Node: the database folder (database, WAL, BLOB_DIR); Workers: wrangler's whole state (D1, R2).
    const files = await filesUnder(onWorker ? (ref.current as WorkerProcess).persistDir : path.dirname(server.dbPath));
    if (!onWorker) expect(files.some((f) => f.name.includes(`${path.sep}blobs${path.sep}blobs${path.sep}`))).toBe(true);
    expect(scan([...files, { name: 'logs', bytes: Buffer.from(server.logs()) }], [mark])).toEqual([]);
  });

  it('an upload whose connection drops goes on from where it was, sending no part more than twice', async () => {
    const { groupId, admin } = await makeServerGroup(server);
    const file = randomBytes(5 * MiB);
    const sentParts: string[] = [];
    let drops = 0;
    // Part 1 is cut before it reaches the relay; part 3 is stored but its answer is lost.
    const flaky: Fetch = async (url, init) => {
      const part = /\/parts\/(\d+)$/.exec(url)?.[1];
      if (part) sentParts.push(part);
      if (part === '1' && drops === 0) {
        drops += 1;
        throw new TypeError('fetch failed');
      }
      const res = await fetch(url, init);
      if (part === '3' && drops === 1) {
        drops += 1;
        await res.arrayBuffer(); // read, then lost on the way
        throw new TypeError('fetch failed');
      }
      return res;
    };
    const sent = await send(apiFor(admin, flaky), groupId, file, { backoff: { minMs: 1, maxMs: 5 } });
    expect(drops).toBe(2);
    expect(sentParts.filter((p) => p === '0')).toHaveLength(1);
    expect(sentParts.filter((p) => p === '1')).toHaveLength(2);
    expect(
      sentParts.filter((p) => p === '3'),
      'a stored part whose answer was lost is not sent again',
    ).toHaveLength(1);
    expect(same(await receive(apiFor(admin), groupId, sent), file)).toBe(true);
  });

  it('an upload cut short is not a blob: nobody can read it, and it can be resumed', async () => {
    const { groupId, admin, members } = await makeServerGroup(server);
    const api = apiFor(admin);
    const created = await api.sendRaw(`/v1/groups/${groupId}/blobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        size: attachmentCiphertextBytes(3 * MiB),
        deleteToken: Buffer.from(randomBytes(32)).toString('base64url'),
      }),
    });
    const { blobId } = (await created.json()) as { blobId: string };
    const part = Buffer.from(randomBytes(BLOB_PART_BYTES));
    await api.sendRaw(`/v1/groups/${groupId}/blobs/${blobId}/parts/0`, { method: 'PUT', body: part });
    for (const who of [admin, members[0]!]) {
      const res = await call('GET', `/v1/groups/${groupId}/blobs/${blobId}`, who);
      expectError(res, 404, 'blob_not_found');
    }
    await expectStored(blobId, false);
    const incomplete = await call('POST', `/v1/groups/${groupId}/blobs/${blobId}/complete`, admin);
    expectError(incomplete, 409, 'blob_upload_incomplete');
    // a gap is refused; the next part and a repeat of the last are taken
    const gap = await api
      .sendRaw(`/v1/groups/${groupId}/blobs/${blobId}/parts/2`, { method: 'PUT', body: part })
      .catch((e) => e);
    expect(gap).toBeInstanceOf(RelayError);
    expect((gap as RelayError).code).toBe('blob_part_invalid');
    const status = await (await api.sendRaw(`/v1/groups/${groupId}/blobs/${blobId}/upload`, { method: 'GET' })).json();
    expect(status).toMatchObject({ received: BLOB_PART_BYTES, complete: false });
    // someone else's unfinished upload is not hers to see or write
    const other = await call('GET', `/v1/groups/${groupId}/blobs/${blobId}/upload`, members[0]!);
    expectError(other, 404, 'blob_not_found');
  });

  it('refuses a file over MAX_BLOB_BYTES, a size that is not padded, a part over 1 MiB, and a full group (413/400)', async () => {
    const { groupId, admin } = await makeServerGroup(server);
    const token = Buffer.from(randomBytes(32)).toString('base64url');
    const create = (size: number) => call('POST', `/v1/groups/${groupId}/blobs`, admin, { size, deleteToken: token });
    expectError(await create(attachmentCiphertextBytes(25 * MiB + 1)), 413, 'blob_too_large');
    expectError(await create(attachmentCiphertextBytes(MiB) + 1), 400, 'blob_size_invalid');
    const ok = await create(attachmentCiphertextBytes(25 * MiB));
    expect(ok.status).toBe(201);
    const big = await fetch(`${server.url}/v1/groups/${groupId}/blobs/${ok.body.blobId}/parts/0`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin.token}` },
      body: Buffer.from(randomBytes(BLOB_PART_BYTES + 1)),
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    expect((await create(attachmentCiphertextBytes(25 * MiB))).status).toBe(201);
    expectError(await create(attachmentCiphertextBytes(25 * MiB)), 413, 'blob_quota_exceeded');
    // every other route keeps the API's own body limit
    const post = await call('POST', `/v1/groups/${groupId}/messages`, admin, { junk: 'x'.repeat(200_000) });
    expectError(post, 413, 'payload_too_large');
  });

  it('limits how many uploads a device starts per hour (429)', async () => {
    const { groupId, admin } = await makeServerGroup(server);
    const token = Buffer.from(randomBytes(32)).toString('base64url');
    const create = () =>
      call('POST', `/v1/groups/${groupId}/blobs`, admin, { size: attachmentCiphertextBytes(1), deleteToken: token });
    for (let i = 0; i < 12; i++) expect((await create()).status).toBe(201);
    expectError(await create(), 429, 'rate_limited');
  });

  it('a non-member and a removed member can neither fetch nor upload the group’s blobs', async () => {
    const { groupId, admin, members } = await makeServerGroup(server, ['member', 'member']);
    const sent = await send(apiFor(admin), groupId, randomBytes(1000));
    const stranger = await TestDevice.create(server);
    const [stays, leaves] = members as [TestDevice, TestDevice];
    expect((await admin.removeMember(groupId, leaves.id)).status).toBe(200);
    expect(await receive(apiFor(stays), groupId, sent)).toHaveLength(1000);
    for (const who of [stranger, leaves]) {
      const get = await call('GET', `/v1/groups/${groupId}/blobs/${sent.blob.blobId}`, who);
      expectError(get, 403, 'not_member');
      const up = await call('POST', `/v1/groups/${groupId}/blobs`, who, {
        size: attachmentCiphertextBytes(1),
        deleteToken: sent.blob.deleteToken,
      });
      expectError(up, 403, 'not_member');
    }
    const anonymous = await call('GET', `/v1/groups/${groupId}/blobs/${sent.blob.blobId}`);
    expectError(anonymous, 401, 'unauthenticated');
  });

  it('the delete token deletes the blob and its file; any other token is refused', async () => {
    const { groupId, admin, members } = await makeServerGroup(server);
    const sent = await send(apiFor(admin), groupId, randomBytes(1000));
    await expectStored(sent.blob.blobId, true);
    const del = (blob: UploadedBlob, who: TestDevice) =>
      call('DELETE', `/v1/groups/${groupId}/blobs/${blob.blobId}`, who, { deleteToken: blob.deleteToken });
    const wrong = { ...sent.blob, deleteToken: Buffer.from(randomBytes(32)).toString('base64url') };
    expectError(await del(wrong, members[0]!), 403, 'blob_delete_token_invalid');
    expect((await del(sent.blob, admin)).status).toBe(200);
    await expectStored(sent.blob.blobId, false);
    const gone = await call('GET', `/v1/groups/${groupId}/blobs/${sent.blob.blobId}`, admin);
    expectError(gone, 404, 'blob_not_found');
  });
});
