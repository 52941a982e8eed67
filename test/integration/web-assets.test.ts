// The web app's files as a phone receives them from the Node server: the
// brotli or gzip copy the build made when the browser accepts it (and exactly
// the file once decoded), the plain file otherwise; hashed files kept a year,
// the page, the service worker and the manifest checked on every load.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMMUTABLE } from '../../server/asset-headers';
import { expectSecurityHeaders } from '../support/security-headers';
import { type ServerProcess, startServer } from '../support/server-process';
import { buildWebForTests, type WebBuild } from '../support/web-build';

let web: WebBuild;
let server: ServerProcess;
let script: string;

beforeAll(async () => {
  web = await buildWebForTests('production');
  server = await startServer({ env: { WEB_ROOT: web.dir } });
  const html = await readFile(path.join(web.dir, 'index.html'), 'utf8');
  script = html.match(/src="(\/assets\/[^"]+\.js)"/)![1]!;
}, 90_000);

afterAll(async () => {
  await server?.destroy();
  await web?.remove();
});

interface Answer {
  status: number;
  headers: Headers;
  bytes: Buffer;
}

/** The bytes exactly as sent (fetch would decode them), through node:http. */
function get(p: string, acceptEncoding?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      `${server.url}${p}`,
      { headers: acceptEncoding === undefined ? {} : { 'Accept-Encoding': acceptEncoding } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('error', reject);
        res.on('end', () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
          resolve({ status: res.statusCode ?? 0, headers, bytes: Buffer.concat(chunks) });
        });
      },
    );
    req.on('error', reject);
  });
}

const original = (p: string) => readFile(path.join(web.dir, p));

describe('hashed scripts from the Node server', () => {
  it('go out as the build’s brotli copy to a browser that accepts br, and decode to exactly the file', async () => {
    const { status, headers, bytes } = await get(script, 'gzip, deflate, br, zstd');
    expect(status).toBe(200);
    expect(headers.get('content-encoding')).toBe('br');
    expect(headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(headers.get('vary')).toMatch(/accept-encoding/i);
    const file = await original(script);
    expect(bytes.length).toBeLessThan(file.length * 0.4);
    expect(zlib.brotliDecompressSync(bytes).equals(file)).toBe(true);
  });

  it('go out gzipped to a browser that accepts only gzip, and decode to exactly the file', async () => {
    const { status, headers, bytes } = await get(script, 'gzip');
    expect(status).toBe(200);
    expect(headers.get('content-encoding')).toBe('gzip');
    expect(headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(headers.get('vary')).toMatch(/accept-encoding/i);
    expect(zlib.gunzipSync(bytes).equals(await original(script))).toBe(true);
  });

  it('go out as the plain file when no encoding is accepted, still marked as varying by it', async () => {
    for (const accept of [undefined, 'identity']) {
      const { status, headers, bytes } = await get(script, accept);
      expect(status, accept).toBe(200);
      expect(headers.get('content-encoding'), accept).toBeNull();
      expect(headers.get('vary'), accept).toMatch(/accept-encoding/i);
      expect(bytes.equals(await original(script)), accept).toBe(true);
    }
  });

  it('are kept by browsers for a year without asking again, with the security headers', async () => {
    const { status, headers } = await get(script, 'br');
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe(IMMUTABLE);
    expectSecurityHeaders(new Response(null, { headers }), script);
  });

  it('that no longer exist (a page from an earlier build) are a 404, not the page cached for a year', async () => {
    const { status, headers } = await get('/assets/main-00000000.js', 'br');
    expect(status).toBe(404);
    expect(headers.get('cache-control') ?? '').not.toMatch(/immutable|max-age=[1-9]/);
  });
});

describe('the page, the service worker and the manifest', () => {
  it('are checked on every load (no-cache, never immutable), so an update reaches phones', async () => {
    for (const p of ['/', '/some/client/route', '/sw.js', '/manifest.webmanifest', '/icon-192.png']) {
      const { status, headers } = await get(p, 'br');
      expect(status, p).toBe(200);
      expect(headers.get('cache-control'), p).toBe('no-cache');
      expect(headers.get('vary'), p).toMatch(/accept-encoding/i);
      expectSecurityHeaders(new Response(null, { headers }), p);
    }
  });

  it('go out compressed too, with the content type of the original file', async () => {
    const page = await get('/', 'br');
    expect(page.headers.get('content-encoding')).toBe('br');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(zlib.brotliDecompressSync(page.bytes).equals(await original('index.html'))).toBe(true);
    const sw = await get('/sw.js', 'gzip');
    expect(sw.headers.get('content-encoding')).toBe('gzip');
    expect(sw.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(zlib.gunzipSync(sw.bytes).equals(await original('sw.js'))).toBe(true);
  });

  it('the Workers `_headers` and `.assetsignore` files are not served as files (the page answers instead)', async () => {
    for (const p of ['/_headers', '/.assetsignore']) {
      const { status, headers, bytes } = await get(p);
      expect(status, p).toBe(200);
      expect(headers.get('content-type'), p).toMatch(/^text\/html/);
      expect(bytes.toString('utf8'), p).toMatch(/<!doctype html>/i);
    }
  });
});
