// The CLI's join-request list and bulk rejection, with the real bin against the
// real server: an introduction the server moved onto its own device's request
// is printed as a warning (never as the words), and `reject-all` clears a
// flood of requests from a leaked multi-use code.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDevice } from '../../support/api-client';
import { joinRequestRows, transplantIntroduction } from '../../support/db-tamper';
import { useServer } from '../../support/fixtures';
import { expectOk } from '../../support/http';
import { CliUser } from './run-cli';

const server = useServer();
let root = '';
const user = (name: string) => new CliUser(name, path.join(root, name), server.current.url);

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mindeulle-cli-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('join requests in the CLI', () => {
  it('a moved introduction is printed as a warning, and reject-all clears every pending request', {
    timeout: 120_000,
  }, async () => {
    const [alice, bora] = [user('alice'), user('bora')];
    await alice.ok('init', '--name', 'alice');
    const { id: boraId } = await bora.ok('init', '--name', 'bora');
    const { id: groupId } = await alice.ok('group', 'create', 'circle');
    const { code } = await alice.ok('invite', 'create', groupId, '--uses', '5');
    const words = 'bora from the shelter';
    const mine = await bora.ok('join', code, '--intro', words);
    const planted = await TestDevice.create(server.current);
    const theirs = expectOk(await planted.redeem(code), 201) as { requestId: string };

    const honest = await alice.ok('requests', groupId);
    expect(honest).toHaveLength(2);
    expect(honest).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ device: boraId, introduction: words, introductionStatus: 'verified' }),
        expect.objectContaining({ device: planted.id, introduction: null, introductionStatus: 'none' }),
      ]),
    );

    transplantIntroduction(server.current.dbPath, mine.requestId, theirs.requestId);
    const moved = await alice.ok('requests', groupId);
    expect(moved).toEqual([
      expect.objectContaining({
        id: theirs.requestId,
        device: planted.id,
        introduction: null,
        introductionStatus: 'transplanted',
      }),
    ]);
    const text = await alice.run('requests', groupId);
    expect(text.stdout).toContain('this introduction was not written by this device');
    expect(text.stdout).not.toContain(words);

    const other = await TestDevice.create(server.current);
    expectOk(await other.redeem(code), 201);
    expect(await alice.ok('reject-all', groupId)).toEqual({ removed: 2 });
    expect(await alice.ok('requests', groupId)).toEqual([]);
    expect(joinRequestRows(server.current.dbPath)).toEqual([]);
  });
});
