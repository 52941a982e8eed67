// On Workers the retention purge runs from the Cron Trigger (wrangler.toml).
// `wrangler dev --test-scheduled` exposes /__scheduled to fire it locally.
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { cryptoReady } from '../../shared/crypto/sodium';
import { TestDevice } from '../support/api-client';
import { expectOk } from '../support/http';
import { localD1File, startWorker, type WorkerProcess } from '../support/worker-process';

let first: WorkerProcess | undefined;
let later: WorkerProcess | undefined;

afterAll(async () => {
  await later?.stop();
  await first?.destroy();
});

const rowsIn = (file: string, groupId: string): number => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM messages WHERE group_id = ?').get(groupId) as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('retention on Workers', () => {
  it('the cron purge deletes expired rows from D1, and sequences keep increasing', { timeout: 90_000 }, async () => {
    await cryptoReady();
    first = await startWorker();
    const admin = await TestDevice.create(first);
    const keep = await admin.createGroup();
    const brief = await admin.createGroup({ retentionSeconds: 3600 });
    for (let i = 0; i < 3; i++) {
      expectOk(await admin.post(brief), 201);
      expectOk(await admin.post(keep), 201);
    }
    await first.stop();

    // Three hours later (same D1, clock moved forward), the cron fires.
    later = await startWorker({ persistDir: first.persistDir, env: { CLOCK_SKEW_SECONDS: String(3 * 3600 + 60) } });
    const d1 = localD1File(first.persistDir);
    expect(rowsIn(d1, brief)).toBe(3);
    const cron = await fetch(`${later.url}/__scheduled?cron=${encodeURIComponent('*/5 * * * *')}`);
    expect(cron.status).toBe(200);
    await expect.poll(() => rowsIn(d1, brief), { timeout: 10_000 }).toBe(0);
    expect(rowsIn(d1, keep)).toBe(3);
    await expect.poll(() => later!.logs()).toMatch(/purge messages=3/);

    admin.server = later;
    await admin.login();
    expect(expectOk(await admin.listMessages(keep)).messages).toHaveLength(3);
    expect(expectOk(await admin.post(brief), 201).seq, 'a purged sequence is never handed out again').toBe(4);
  });
});
