// Files between real clients through a real relay: sendFile encrypts and
// uploads in parts with progress, posts the descriptor in an E2EE message,
// another member downloads the exact bytes; a blob the relay changes gives a
// clear error and no bytes; deleting the message deletes the blob on the relay.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileProgress } from '../../../client/sdk/attachments';
import { randomBytes } from '../../../shared/crypto/primitives';
import { clientGroup } from '../../support/client-group';
import { useServer } from '../../support/fixtures';
import { removeTempDirs, type TestClient } from '../../support/sdk-fixtures';

const server = useServer();
let admin: TestClient;
let bora: TestClient;
let groupId: string;

const blobFiles = () => readdir(path.join(path.dirname(server.current.dbPath), 'blobs', 'blobs'));

beforeAll(async () => {
  const made = await clientGroup(server.current.url, '서류 모임', [['Bora', 'member']]);
  admin = made.admin;
  [bora] = made.others as [TestClient];
  groupId = made.groupId;
});

afterAll(async () => {
  await removeTempDirs();
});

describe('attachments in the SDK', () => {
  let sent: Awaited<ReturnType<TestClient['client']['sendFile']>>;
  const file = randomBytes(3 * 1024 * 1024 + 123);

  it('sendFile uploads with progress and another member downloads the same bytes, by message id', async () => {
    const progress: FileProgress[] = [];
    sent = await bora.client.sendFile(
      groupId,
      { data: new Blob([Buffer.from(file)]), name: '계약서.pdf', type: 'application/pdf' },
      { text: '채무 계약서예요', onProgress: (p) => progress.push(p) },
    );
    expect(progress.length).toBeGreaterThanOrEqual(4);
    expect(progress.at(-1)).toMatchObject({ phase: 'upload', done: progress.at(-1)!.total });
    await admin.client.sync(groupId);
    const entry = (await admin.client.history(groupId)).find((e) => e.messageId === sent.messageId);
    expect(entry?.content).toMatchObject({
      type: 'attachment',
      text: '채무 계약서예요',
      attachments: [{ name: '계약서.pdf', type: 'application/pdf', size: file.length }],
    });
    const seen: FileProgress[] = [];
    const got = await admin.client.downloadAttachment(groupId, sent.messageId, { onProgress: (p) => seen.push(p) });
    expect(Buffer.compare(Buffer.from(got.bytes), Buffer.from(file))).toBe(0);
    expect(seen.at(-1)).toMatchObject({ phase: 'download' });
  });

  it('a blob changed on the relay gives a clear error and no bytes', async () => {
    const where = path.join(path.dirname(server.current.dbPath), 'blobs', 'blobs', sent.attachment.id);
    const original = await readFile(where);
    const flipped = Buffer.from(original);
    flipped[1000]! ^= 1;
    await writeFile(where, flipped);
    await expect(admin.client.downloadAttachment(groupId, sent.attachment)).rejects.toMatchObject({
      name: 'AttachmentError',
      code: 'tampered',
    });
    await writeFile(where, original.subarray(0, original.length - 10));
    await expect(admin.client.downloadAttachment(groupId, sent.attachment)).rejects.toMatchObject({
      code: 'truncated',
    });
    await writeFile(where, original);
  });

  it('a cancelled upload posts no message and a cancelled download hands over no bytes', async () => {
    const before = (await bora.client.history(groupId)).length;
    const stop = new AbortController();
    const parts: number[] = [];
    const upload = bora.client.sendFile(
      groupId,
      { data: new Blob([Buffer.from(file)]), name: '그만.pdf', type: 'application/pdf' },
      {
        signal: stop.signal,
        onProgress: (p) => {
          parts.push(p.done);
          stop.abort();
        },
      },
    );
    await expect(upload).rejects.toMatchObject({ name: 'AbortError' });
    expect(parts).toHaveLength(1); // no part after the one under way when she cancelled
    await admin.client.sync(groupId);
    await bora.client.sync(groupId);
    expect(await bora.client.history(groupId)).toHaveLength(before);
    expect(
      (await admin.client.history(groupId)).some(
        (e) => e.content.type === 'attachment' && e.messageId !== sent.messageId,
      ),
    ).toBe(false);

    const halt = new AbortController();
    let handed: Uint8Array | undefined;
    const download = admin.client
      .downloadAttachment(groupId, sent.attachment, { signal: halt.signal, onProgress: () => halt.abort() })
      .then((got) => {
        handed = got.bytes;
      });
    await expect(download).rejects.toMatchObject({ name: 'AbortError' });
    expect(handed).toBeUndefined();
  });

  it('deleting the message for everyone deletes its blob on the relay', async () => {
    expect(await blobFiles()).toContain(sent.attachment.id);
    await bora.client.deleteMessage(groupId, sent.messageId);
    expect(await blobFiles()).not.toContain(sent.attachment.id);
    await expect(admin.client.downloadAttachment(groupId, sent.attachment)).rejects.toMatchObject({
      code: 'blob_not_found',
    });
  });
});
