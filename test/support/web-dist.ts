// The servers under test serve dist/web (Node's static handler, Workers' assets
// binding; wrangler refuses to start without it). Tests need no real web app,
// so a fresh clone gets a placeholder page; a built one is left alone.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './server-process';

export function ensureWebDist(): void {
  const dir = path.join(REPO_ROOT, 'dist', 'web');
  mkdirSync(dir, { recursive: true });
  if (!existsSync(path.join(dir, 'index.html')))
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Mindeulle</title>\n');
}

/** vitest globalSetup: runs once before any test file. */
export default function setup(): void {
  ensureWebDist();
}
