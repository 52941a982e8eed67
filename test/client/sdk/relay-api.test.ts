// The relay client bounds the wait for a response: against a real HTTP server
// that accepts the request and never answers, a call fails as offline (not with
// a relay error code) instead of hanging; a slow answer that starts in time
// still arrives whole.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientError } from '../../../client/sdk/errors';
import { RelayApi, RelayError } from '../../../client/sdk/relay-api';

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/v1/groups' && req.headers.authorization === 'Bearer silent') return; // never answers
    if (req.method === 'POST') {
      // An upload: answered 600 ms after its whole body arrived (as over a slow uplink).
      req.resume();
      req.on('end', () => setTimeout(() => res.end(JSON.stringify({ stored: 1 })), 600));
      return;
    }
    // Headers at once, the body half a second later: slower than the timeout below in total.
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"groups":');
    setTimeout(() => res.end('[]}'), 500);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('RelayApi response timeout', () => {
  it('fails a request whose response never starts, as offline and not as a relay error', async () => {
    const api = new RelayApi(baseUrl, undefined, 300);
    api.token = 'silent';
    const started = Date.now();
    const error = await api.groups().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).code).toBe('offline');
    expect(error).not.toBeInstanceOf(RelayError); // so the outbox keeps the post and retries
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('gives an upload time for its body to go up: the wait grows with the body at a slow uplink’s rate', async () => {
    const api = new RelayApi(baseUrl, undefined, 300);
    api.token = 'uploader';
    // 64 KiB of envelopes: 2 s more at SLOW_UPLINK_BYTES_PER_MS, so the answer 600 ms later arrives
    const sealed = 'A'.repeat(64 * 1024);
    await expect(api.uploadEnvelopes('g'.repeat(22), 1, [{ recipient: 'r'.repeat(43), sealed }])).resolves.toEqual({
      stored: 1,
    });
    // a small body gets no such grace: the same answer is too late
    await expect(api.uploadEnvelopes('g'.repeat(22), 1, [{ recipient: 'r'.repeat(43), sealed: 'A' }])).rejects.toThrow(
      ClientError,
    );
  });

  it('lets a response that started in time finish, however long its body takes', async () => {
    const api = new RelayApi(baseUrl, undefined, 300);
    api.token = 'slow-body';
    await expect(api.groups()).resolves.toEqual([]);
  });
});
