// A group's retention setting gives every row an expiry; the periodic purge
// deletes expired rows from the file (overwriting them: secure_delete), and
// sequences never repeat afterwards.
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cryptoReady } from '../../shared/crypto/sodium';
import { TestDevice } from '../support/api-client';
import { readDirFiles, scan } from '../support/canary';
import { expectOk } from '../support/http';
import { type ServerProcess, startServer } from '../support/server-process';

let first: ServerProcess;
let later: ServerProcess | undefined;
/** the envelopes of the group whose messages expire */
const purged: Uint8Array[] = [];

beforeAll(async () => {
  await cryptoReady();
  first = await startServer();
});
afterAll(async () => {
  await later?.stop();
  await first.destroy();
});

const rowsIn = (dbPath: string, groupId: string): number => {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM messages WHERE group_id = ?').get(groupId) as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('retention', () => {
  it('stamps an expiry from the group setting, purges expired rows, and keeps sequences increasing', async () => {
    const admin = await TestDevice.create(first);
    const keep = await admin.createGroup();
    const brief = await admin.createGroup({ retentionSeconds: 3600 });
    for (let i = 0; i < 3; i++) {
      const ciphertext = nodeRandomBytes(4096);
      purged.push(ciphertext);
      expectOk(await admin.post(brief, { ciphertext }), 201);
      expectOk(await admin.post(keep), 201);
    }
    const listed = expectOk(await admin.listMessages(brief));
    const now = Math.floor(Date.now() / 1000);
    for (const m of listed.messages) {
      expect(m.expiresAt).toBeGreaterThan(now + 3600 - 1);
      expect(m.expiresAt).toBeLessThanOrEqual(now + 2 * 3600 + 3600);
      expect(m.createdAt % 3600, 'server timestamps are coarse').toBe(0);
    }
    expect(
      expectOk(await admin.listMessages(keep)).messages.every((m: { expiresAt: unknown }) => m.expiresAt === null),
    ).toBe(true);

    // Three hours later (same database, clock moved forward): the purge runs at start.
    await first.stop();
    later = await startServer({ dbPath: first.dbPath, env: { CLOCK_SKEW_SECONDS: String(3 * 3600 + 60) } });
    admin.server = later;
    await admin.login();
    expect(expectOk(await admin.listMessages(brief)).messages).toEqual([]);
    expect(expectOk(await admin.listMessages(keep)).messages).toHaveLength(3);
    await expect.poll(() => rowsIn(first.dbPath, brief), { timeout: 5000 }).toBe(0);
    expect(rowsIn(first.dbPath, keep)).toBe(3);

    const next = expectOk(await admin.post(brief), 201);
    expect(next.seq, 'a purged sequence is never handed out again').toBe(4);
  });

  it('leaves no byte of a purged message in the database files (secure_delete)', async () => {
    expect(purged).toHaveLength(3);
    await later!.stop(); // the last connection checkpoints the WAL into the file
    const files = await readDirFiles(path.dirname(first.dbPath));
    // the relay stores envelopes as base64url text
    expect(
      scan(
        files,
        purged.map((c) => Buffer.from(c).toString('base64url').slice(0, 64)),
      ),
    ).toEqual([]);
  });
});
