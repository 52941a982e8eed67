// Every response carries the security headers (strict CSP, no referrer,
// nosniff, no framing): the web app, its assets and service worker, the API,
// errors. And the production build names no other origin it could contact.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEUTRAL_URL } from '../../client/web/core/quick-exit';
import { expectSecurityHeaders } from '../support/security-headers';
import { type ServerProcess, startServer } from '../support/server-process';
import { buildWebForTests, type WebBuild } from '../support/web-build';

let web: WebBuild;
let server: ServerProcess;

beforeAll(async () => {
  web = await buildWebForTests('production');
  server = await startServer({ env: { WEB_ROOT: web.dir } });
}, 90_000);

afterAll(async () => {
  await server?.destroy();
  await web?.remove();
});

async function builtFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('security headers', () => {
  it('are on the app, its assets, the service worker, the API and errors', async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    const script = html.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    const paths = [
      '/',
      '/some/client/route',
      script!,
      '/sw.js',
      '/manifest.webmanifest',
      '/healthz',
      '/v1/groups',
      '/v1/no-such-route',
      '/openapi.json',
    ];
    for (const p of paths) {
      const res = await fetch(`${server.url}${p}`);
      await res.arrayBuffer();
      expectSecurityHeaders(res, p);
    }
    // The API path answers as it should (unauthenticated), headers and all.
    expect((await fetch(`${server.url}/v1/groups`)).status).toBe(401);
  });

  it('the page has no inline script or style for the CSP to allow', async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
  });
});

describe('the production build', () => {
  it('names no other origin except the quick-exit destination and identifiers that are never fetched', async () => {
    // Namespace and schema URIs are names, not requests; the quick-exit site is a navigation away.
    const allowed = new Set([
      'http://www.w3.org',
      'https://json-schema.org',
      'http://json-schema.org',
      new URL(NEUTRAL_URL).origin,
    ]);
    const origins = new Set<string>();
    for (const file of await builtFiles(web.dir)) {
      if (!/\.(js|html|css|webmanifest|svg)$/.test(file)) continue;
      for (const m of (await readFile(file, 'utf8')).matchAll(/\b(?:https?|wss?):\/\/[a-z0-9.-]+(?::\d+)?/gi))
        origins.add(m[0].toLowerCase());
    }
    expect([...origins].filter((o) => !allowed.has(o))).toEqual([]);
    // A fresh search finds what it must (the self-check that the scan works).
    expect(origins.has(new URL(NEUTRAL_URL).origin)).toBe(true);
  });
});
