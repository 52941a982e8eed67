// deps.assets on Node: the built web app from a folder (dist/web). A phone on
// mobile data pays for every byte, so text files go out as the brotli or gzip
// copy the build made beside them (vite.config.ts), chosen by Accept-Encoding;
// the hashed files under /assets/ never change, so browsers keep them for a
// year without asking again, while everything else is checked on every load
// (server/asset-headers.ts).
import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';
import { isApiPath } from '../../shared/schemas/api-paths';
import { IMMUTABLE, isHashedAsset, REVALIDATE } from '../asset-headers';

/** Files in the build that are instructions to Workers static assets, not part of the app. */
const PLATFORM_FILES = new Set(['/_headers', '/.assetsignore']);

/** Any path that is not a file gets index.html (client-side routes), except a missing hashed file: 404. */
export function webAssets(root: string): MiddlewareHandler {
  const files = serveStatic({ root, precompressed: true });
  const index = serveStatic({ root, path: 'index.html', precompressed: true });
  return async (c, next) => {
    const path = c.req.path;
    if (isApiPath(path)) return next();
    const file = PLATFORM_FILES.has(path) ? undefined : await files(c, async () => {});
    // An old page asking for a file of an earlier build must not get the page as a script (nor cache it).
    if (!file && isHashedAsset(path)) return next();
    const res = file ?? (await index(c, async () => {}));
    if (!res) return next();
    res.headers.set('Cache-Control', file && isHashedAsset(path) ? IMMUTABLE : REVALIDATE);
    // The same URL has other bytes for another Accept-Encoding: shared caches must key on it.
    if (!res.headers.has('Vary')) res.headers.set('Vary', 'Accept-Encoding');
    return res;
  };
}
