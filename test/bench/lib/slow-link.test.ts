// The first-load scenario's phone link: nothing crosses it faster than its
// rate and round trip allow, every byte arrives in order, and it counts them.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LinkProfile, type SlowLink, startSlowLink } from '../../../bench/lib/slow-link';

const PROFILE: LinkProfile = {
  name: 'test',
  rttMs: 100,
  downBytesPerS: 500_000,
  upBytesPerS: 100_000,
  handshakeRtts: 2,
};
const body = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251));
const brotli = zlib.brotliCompressSync(Buffer.alloc(50_000, 'a'));

let origin: http.Server;
let link: SlowLink;

beforeAll(async () => {
  origin = http.createServer((req, res) => {
    if (req.url === '/br')
      return res.writeHead(200, { 'Content-Encoding': 'br', 'Content-Length': brotli.length }).end(brotli);
    res.writeHead(200, { 'Content-Length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  link = await startSlowLink((origin.address() as AddressInfo).port, PROFILE);
});

afterAll(async () => {
  await link.close();
  await new Promise((resolve) => origin.close(resolve));
});

function get(path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    http
      .get(`${link.url}${path}`, { agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      })
      .on('error', reject);
  });
}

describe('the slow link', () => {
  it('takes at least the handshakes, a round trip and the transfer time, and delivers every byte in order', async () => {
    link.reset();
    const started = performance.now();
    const received = await get('/');
    const ms = performance.now() - started;
    expect(received.equals(body)).toBe(true);
    // 2 round trips to connect, 1 for the request and its answer, 200 kB at 500 kB/s
    expect(ms).toBeGreaterThanOrEqual(3 * PROFILE.rttMs + (body.length / PROFILE.downBytesPerS) * 1000 - 5);
    expect(link.down).toBeGreaterThan(body.length);
    expect(link.up).toBeGreaterThan(0);
    expect(link.responses.map((r) => [r.status, r.bodyBytes, r.decodedBytes])).toEqual([
      [200, body.length, body.length],
    ]);
  });

  it('reads what a compressed answer would have cost uncompressed', async () => {
    link.reset();
    await get('/br');
    await link.quiet(50);
    expect(link.responses.map((r) => [r.encoding, r.bodyBytes, r.decodedBytes])).toEqual([
      ['br', brotli.length, 50_000],
    ]);
  });
});
