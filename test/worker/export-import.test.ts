// Moving a relay from Node + SQLite to Workers + D1: `npm run export` dumps
// the SQLite file, `npm run import` loads it into (here, a local) D1, and the
// Worker then serves the same devices, sessions, rosters and messages.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cryptoReady } from '../../shared/crypto/sodium';
import { exportToFile, importFile } from '../../server/tools/export-import';
import { makeServerGroup } from '../support/fixtures';
import { expectOk } from '../support/http';
import { TestSocket } from '../support/test-socket';
import { startServer, type ServerProcess } from '../support/server-process';
import { offlineWranglerEnv, startWorker, type WorkerProcess } from '../support/worker-process';

let node: ServerProcess | undefined;
let worker: WorkerProcess | undefined;
let dir: string | undefined;

afterAll(async () => {
  await worker?.destroy();
  await node?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('export from SQLite, import into D1', () => {
  it('the Worker serves what the Node server stored, and sequences continue', { timeout: 120_000 }, async () => {
    await cryptoReady();
    dir = await mkdtemp(path.join(os.tmpdir(), 'mindeulle-move-'));
    node = await startServer();
    const { admin, members, groupId } = await makeServerGroup(node, ['member']);
    const member = members[0]!;
    for (let i = 0; i < 3; i++) expectOk(await admin.post(groupId), 201);
    expectOk(await admin.post(groupId, { kind: 'bulletin', pinned: true }), 201);
    const before = expectOk(await member.listMessages(groupId)).messages;
    const rosterBefore = expectOk(await member.roster(groupId)).commits;
    await node.stop();

    const file = path.join(dir, 'relay.sql');
    const counts = exportToFile(node.dbPath, file);
    expect(counts.tables.get('messages')).toBe(4);
    expect(counts.tables.get('devices')).toBe(2);
    expect(await readFile(file, 'utf8')).toMatch(/^CREATE TABLE IF NOT EXISTS "?devices"?/m);

    const persistDir = path.join(dir, 'state');
    importFile(file, { persistTo: persistDir, env: offlineWranglerEnv(), quiet: true });
    worker = await startWorker({ persistDir });

    // Same sessions (tokens still valid), same rows, same roster chain.
    admin.server = worker;
    member.server = worker;
    expect(expectOk(await member.listMessages(groupId)).messages).toEqual(before);
    expect(expectOk(await member.roster(groupId)).commits).toEqual(rosterBefore);
    expect(expectOk(await member.req('GET', `/v1/groups/${groupId}/bulletins/pinned`)).messages).toHaveLength(1);
    await member.login();

    const socket = await TestSocket.connect(
      `${worker.url.replace('http', 'ws')}/v1/groups/${groupId}/ws`,
      member.token,
    );
    try {
      const { seq } = expectOk(await admin.post(groupId), 201);
      expect(seq).toBe(5);
      await socket.nextOf('message', (f) => f.message.seq === seq);
    } finally {
      await socket.close();
    }
  });
});
