// P8 through the real client: someone copies a member's whole store (and
// knows the passphrase) now. After the member's next X25519 rotation and the
// next epoch, the copy — a complete client logged in as her — reads nothing
// new; the member herself reads on. (A copy taken after reading cannot read
// those messages again: test/client/sdk/client.test.ts › the local store ›
// keeps drafts sealed; a snapshot of the store cannot decrypt a message already read.)
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle } from '../../client/cli/context';
import { FileStore } from '../../client/node/file-store';
import type { MessageEvent } from '../../client/sdk/events';
import { useServer } from '../support/fixtures';
import { clientGroup } from '../support/client-group';
import { removeTempDirs, reopen, type TestClient, textOf } from '../support/sdk-fixtures';

const server = useServer();
let admin: TestClient;
let member: TestClient;
let groupId: string;

beforeAll(async () => {
  const g = await clientGroup(server.current.url, 'p8', [['Member', 'member']]);
  [admin, member, groupId] = [g.admin, g.others[0]!, g.groupId];
});

afterAll(removeTempDirs);

describe('a copy of a device’s store', () => {
  it('opens nothing sent after the device rotates its X25519 key and the next epoch starts', async () => {
    await settle(member.client); // the member's client is at rest while the copy is taken
    const copyDir = await mkdtemp(path.join(os.tmpdir(), 'mindeulle-stolen-'));
    await cp(member.dir, copyDir, { recursive: true });

    await member.client.rotateDeviceKey();
    await admin.client.rotateEpoch(groupId);
    await admin.client.send(groupId, 'after the rotation');

    const thief = await reopen({
      ...member,
      dir: copyDir,
      options: { ...member.options, store: new FileStore(copyDir) },
    });
    await thief.client.sync();
    const thiefTexts = thief.events.filter((e): e is MessageEvent => e.type === 'message').map(textOf);
    expect(thiefTexts).not.toContain('after the rotation');
    expect(thief.events.some((e) => e.type === 'undecryptable' && e.reason === 'no_epoch_key')).toBe(true);
    expect((await thief.client.history(groupId)).map(textOf)).not.toContain('after the rotation');
    const epoch = admin.client.states.get(groupId)!.latestEpoch;
    expect(thief.client.states.get(groupId)!.keys.has(epoch)).toBe(false);

    await member.client.sync();
    expect((await member.client.history(groupId)).map(textOf)).toContain('after the rotation');
    await Promise.all([thief.client.close(1000), member.client.close(1000)]); // a post may still be retrying: stop it
    await rm(copyDir, { recursive: true, force: true });
  });
});
