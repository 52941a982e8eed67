// The web app's files on Workers, under local workerd: the platform serves the
// hashed /assets/* files itself with the `_headers` the build wrote (kept a
// year, the security headers), the page and the service worker are checked on
// every load, and the Node server's precompressed copies are not uploaded.
// (Compression itself is Cloudflare's, on its edge; a missing hashed file gets
// the page here, see docs/OPERATIONS.md.)
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMMUTABLE } from '../../server/asset-headers';
import { expectSecurityHeaders } from '../support/security-headers';
import { buildWebForTests, type WebBuild } from '../support/web-build';
import { startWorker, type WorkerProcess } from '../support/worker-process';

let web: WebBuild;
let worker: WorkerProcess;
let script: string;

beforeAll(async () => {
  web = await buildWebForTests('production');
  worker = await startWorker({ assetsDir: web.dir });
  const html = await readFile(path.join(web.dir, 'index.html'), 'utf8');
  script = html.match(/src="(\/assets\/[^"]+\.js)"/)![1]!;
}, 120_000);

afterAll(async () => {
  await worker?.destroy();
  await web?.remove();
});

describe('the web app on Workers static assets', () => {
  it('a hashed script is kept for a year, with the security headers, and is exactly the built file', async () => {
    const res = await fetch(`${worker.url}${script}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe(IMMUTABLE);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expectSecurityHeaders(res, script);
    expect(Buffer.from(await res.arrayBuffer()).equals(await readFile(path.join(web.dir, script)))).toBe(true);
  });

  it('the page and the service worker are not immutable, so an update reaches phones', async () => {
    for (const p of ['/', '/some/client/route', '/sw.js', '/manifest.webmanifest']) {
      const res = await fetch(`${worker.url}${p}`);
      await res.arrayBuffer();
      expect(res.status, p).toBe(200);
      expect(res.headers.get('cache-control') ?? '', p).not.toMatch(/immutable/);
      expectSecurityHeaders(res, p);
    }
  });

  it('the precompressed copies, `_headers` and `.assetsignore` are not served as files (the page answers)', async () => {
    for (const p of [`${script}.br`, `${script}.gz`, '/_headers', '/.assetsignore']) {
      const res = await fetch(`${worker.url}${p}`);
      expect(res.headers.get('content-type'), p).toMatch(/^text\/html/);
      expect(await res.text(), p).toMatch(/<!doctype html>/i);
    }
  });
});
