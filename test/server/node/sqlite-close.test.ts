// close() must finish even when nothing else keeps the process alive: the
// writer thread is unreferenced between batches, and a process that only
// awaited close() used to exit before the thread had closed its connection.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/server-process';

const dir = mkdtempSync(join(tmpdir(), 'mdl-close-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openSqlite close', () => {
  it('resolves in a process with nothing else to do', () => {
    const script = `
      const { openSqlite } = await import('./server/node/sqlite-db.ts');
      const store = await openSqlite(${JSON.stringify(join(dir, 'close.db'))});
      await store.close();
      console.log('closed');`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('closed');
    expect(run.status).toBe(0);
  });
});
