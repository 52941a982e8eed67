// `npm run backup -- FILE` while the server runs and a client keeps posting:
// the file has mode 600, passes the integrity check, is one consistent
// snapshot (a gap-free prefix of the sequences, every row intact), and a fresh
// server started on it serves every message acknowledged before the backup
// began, to the same session token.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cryptoReady } from '../../../shared/crypto/sodium';
import type { TestDevice } from '../../support/api-client';
import { DbFile } from '../../support/db-file';
import { makeServerGroup } from '../../support/fixtures';
import { expectOk } from '../../support/http';
import { TestSocket } from '../../support/test-socket';
import { REPO_ROOT, type ServerProcess, startServer } from '../../support/server-process';

let live: ServerProcess;
let restored: ServerProcess | undefined;
let dir: string;

beforeAll(async () => {
  await cryptoReady();
  live = await startServer({ env: { MESSAGES_PER_SECOND: '100000' } });
  dir = await mkdtemp(path.join(os.tmpdir(), 'mindeulle-backup-'));
});

afterAll(async () => {
  await restored?.destroy();
  await live?.destroy();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the command asynchronously (spawnSync would block the client that keeps posting). */
const backup = (file: string) =>
  new Promise<{ status: number | null; output: string }>((resolve) => {
    const run = spawn('npm', ['run', '--silent', 'backup', '--', file, '--db', live.dbPath], { cwd: REPO_ROOT });
    let output = '';
    run.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
    run.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
    run.on('exit', (status) => resolve({ status, output }));
  });

async function readAll(device: TestDevice, groupId: string) {
  const all: { seq: number; clientMsgId: string; ciphertext: string }[] = [];
  for (let after = 0; ; ) {
    const page = expectOk(await device.listMessages(groupId, after, 500));
    all.push(...page.messages);
    if (!page.hasMore) return all;
    after = page.messages[page.messages.length - 1].seq;
  }
}

describe('npm run backup', () => {
  it('makes a consistent, private copy of the live database that a fresh server serves in full', {
    timeout: 60_000,
  }, async () => {
    const { admin, members, groupId } = await makeServerGroup(live, ['member']);
    const socket = await TestSocket.connect(live.wsUrl, members[0]!.token);
    const acked = new Map<string, string>();
    for (let i = 0; i < 100; i++) {
      const body = await (i % 2 ? admin : members[0]!).postBody(groupId);
      if (i % 2) expectOk(await admin.req('POST', `/v1/groups/${groupId}/messages`, body), 201);
      else expect((await socket.post({ groupId, ...body })).type).toBe('ack');
      acked.set(body.clientMsgId, body.ciphertext);
    }
    // keep writing while the backup runs
    let writing = true;
    let duringBackup = 0;
    const writer = (async () => {
      for (; writing; duringBackup++) expectOk(await admin.post(groupId), 201);
    })();
    const file = path.join(dir, 'relay-backup.db');
    await new Promise((r) => setTimeout(r, 50));
    const run = await backup(file);
    writing = false;
    await writer;
    await socket.close();
    expect(run.status, run.output).toBe(0);
    expect(duringBackup, 'the server kept taking posts during the backup').toBeGreaterThan(10);
    expect(run.output).toMatch(/^backup written: .* messages, mode 600\)$/m);

    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const copy = new DbFile(file);
    try {
      expect(copy.integrityCheck()).toBe('ok');
      const seqs = copy.rows<{ seq: number }>('messages', 'seq').map((r) => r.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1)); // a gap-free prefix: one snapshot
      expect(seqs.length).toBeGreaterThanOrEqual(acked.size);
    } finally {
      copy.close();
    }

    // restore: a fresh server on the copy serves every acknowledged message to the same token
    restored = await startServer({ dbPath: file });
    admin.server = restored;
    const messages = await readAll(admin, groupId);
    const byId = new Map(messages.map((m) => [m.clientMsgId, m.ciphertext]));
    for (const [id, ciphertext] of acked) expect(byId.get(id), id).toBe(ciphertext);
    expect(expectOk(await admin.post(groupId), 201).seq).toBe(messages.length + 1);
  });

  it('never overwrites an existing file', async () => {
    const file = path.join(dir, 'taken.db');
    await writeFile(file, 'keep me');
    const run = await backup(file);
    expect(run.status).toBe(1);
    expect(run.output).toContain('exists');
  });
});
