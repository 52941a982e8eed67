// The Node relay streams attachments both ways: ten 25 MiB uploads at once, and
// then ten downloads at once, raise its resident memory by less than 64 MiB
// (it holds a chunk per request, never a blob).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadBlob, uploadBlob } from '../../client/sdk/blob-transfer';
import { RelayApi } from '../../client/sdk/relay-api';
import { randomBytes } from '../../shared/crypto/primitives';
import { cryptoReady } from '../../shared/crypto/sodium';
import { attachmentCiphertextBytes } from '../../shared/protocol/attachment';
import { TestDevice } from '../support/api-client';
import { rssBytes } from '../support/proc';
import { type ServerProcess, startServer } from '../support/server-process';

const MiB = 1024 * 1024;
let server: ServerProcess;

beforeAll(async () => {
  await cryptoReady();
  server = await startServer();
});
afterAll(async () => {
  await server?.destroy();
});

/** The highest RSS growth of the relay while `work` runs, sampled every 20 ms. */
async function peakGrowth(work: Promise<unknown>): Promise<number> {
  const before = rssBytes(server.pid!);
  let peak = before;
  let running = true;
  const sampler = (async () => {
    while (running) {
      peak = Math.max(peak, rssBytes(server.pid!));
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    await work;
  } finally {
    running = false;
    await sampler;
  }
  return Math.max(peak, rssBytes(server.pid!)) - before;
}

describe('attachment memory on the Node relay', () => {
  it('ten 25 MiB uploads at once, then ten downloads at once, raise RSS by less than 64 MiB', {
    timeout: 120_000,
  }, async () => {
    const admin = await TestDevice.create(server);
    const groupId = await admin.createGroup();
    const api = new RelayApi(server.url);
    api.token = admin.token;
    const size = attachmentCiphertextBytes(25 * MiB);
    const blob = randomBytes(size); // one buffer for all ten: the relay cannot tell
    async function* source() {
      for (let at = 0; at < size; at += MiB) yield blob.subarray(at, Math.min(size, at + MiB));
    }
    // warm-up: the first upload loads code paths the measurement should not count
    await uploadBlob(api, groupId, size, source());
    const ids: string[] = [];
    const up = await peakGrowth(
      Promise.all(
        Array.from({ length: 10 }, () => uploadBlob(api, groupId, size, source()).then((b) => ids.push(b.blobId))),
      ),
    );
    let received = 0;
    const down = await peakGrowth(
      Promise.all(ids.map((id) => downloadBlob(api, groupId, id, (b) => (received += b.length)))),
    );
    expect(received).toBe(10 * size);
    console.info(
      `attachments: RSS +${(up / MiB).toFixed(1)} MiB for 10 uploads, +${(down / MiB).toFixed(1)} MiB for 10 downloads`,
    );
    expect(up).toBeLessThan(64 * MiB);
    expect(down).toBeLessThan(64 * MiB);
  });
});
