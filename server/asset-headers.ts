// How long browsers may keep the web app's files, on Node and on Workers alike.
// Vite names every file under /assets/ by a hash of its content, so a file
// there never changes: kept a year, never asked for again. Everything else
// (index.html, /sw.js, the manifest, icons) is checked on every load, so an
// update reaches phones. On Workers the platform serves /assets/* without the
// Worker (wrangler.toml), so the build writes these headers, and the security
// headers the app sets everywhere else, into the `_headers` file it reads.
import { Hono } from 'hono';
import { securityHeaders } from './security-headers.ts';

export const HASHED_ASSETS = '/assets/';
export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

export const isHashedAsset = (path: string): boolean => path.startsWith(HASHED_ASSETS);

/** The `_headers` file of Workers static assets: immutable caching and the security headers for /assets/*. */
export async function workersHeadersFile(): Promise<string> {
  const app = new Hono();
  app.use('*', securityHeaders());
  app.get('*', (c) => c.body(null));
  const res = await app.request(`${HASHED_ASSETS}any`);
  const lines = [`${HASHED_ASSETS}*`, `  Cache-Control: ${IMMUTABLE}`];
  for (const [name, value] of res.headers) lines.push(`  ${name}: ${value}`);
  return `# Written by the build (server/asset-headers.ts); read by Workers static assets.\n${lines.join('\n')}\n`;
}
