// Tests that need the real web app build it into a temporary folder, so
// dist/web (what `npm start` serves) is never a test build. The browser suites
// use `--mode e2e` (the minimum Argon2id cost; see
// client/web/core/kdf-params.ts); the header test checks the production build.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { REPO_ROOT } from './server-process';

export interface WebBuild {
  dir: string;
  remove(): Promise<void>;
}

export async function buildWebForTests(mode: 'e2e' | 'production' = 'e2e'): Promise<WebBuild> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mindeulle-web-'));
  await build({
    configFile: path.join(REPO_ROOT, 'vite.config.ts'),
    mode,
    logLevel: 'warn',
    build: { outDir: dir, emptyOutDir: true },
  });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
