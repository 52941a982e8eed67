// Urgent help and one bulletin to several groups, from the real mindeulle bin
// against a real server: `read --json` lists an urgent request (kind
// "urgent", with `acknowledged`) to facilitators and admins only; a bulletin
// with --also arrives once in each group, and a group where she may not post
// bulletins is refused before anything is sent.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useServer } from '../../support/fixtures';
import { CliUser } from './run-cli';

const server = useServer();
let root = '';
const user = (name: string) => new CliUser(name, path.join(root, name), server.current.url);
type Item = { kind: string; text: string | null; seq: number; messageId: string };

let alice: CliUser; // admin
let bora: CliUser; // member who asks for help
let chae: CliUser; // facilitator
let dami: CliUser; // another member
let groupId: string;
const ids: Record<string, string> = {};

async function admit(admin: CliUser, group: string, who: CliUser, role: 'member' | 'facilitator') {
  const invite = await admin.ok('invite', 'create', group, '--role', role);
  const join = await who.ok('join', invite.code);
  await admin.ok('approve', group, join.requestId);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mindeulle-cli-urgent-'));
  [alice, bora, chae, dami] = ['alice', 'bora', 'chae', 'dami'].map(user) as [CliUser, CliUser, CliUser, CliUser];
  for (const [u, name] of [
    [alice, 'Alice'],
    [bora, 'Bora'],
    [chae, 'Chae'],
    [dami, 'Dami'],
  ] as const)
    ids[name] = (await u.ok('init', '--name', name)).id;
  groupId = (await alice.ok('group', 'create', '긴급 모임')).id;
  await admit(alice, groupId, bora, 'member');
  await admit(alice, groupId, chae, 'facilitator');
  await admit(alice, groupId, dami, 'member');
}, 120_000);
afterAll(() => rm(root, { recursive: true, force: true }));

describe('the CLI asks for urgent help', () => {
  it('read --json shows the request as kind "urgent" to the facilitator and the admin, never to another member', {
    timeout: 120_000,
  }, async () => {
    const sent = await bora.ok('urgent', groupId, '지금', '위험해요');
    const noText = await dami.ok('urgent', groupId);
    for (const u of [chae, alice]) {
      const urgent = ((await u.ok('read', groupId)) as Item[]).filter((i) => i.kind === 'urgent');
      expect(urgent).toMatchObject([
        { messageId: sent.messageId, text: '지금 위험해요', sender: ids.Bora, acknowledged: false },
        { messageId: noText.messageId, text: null, sender: ids.Dami, acknowledged: false },
      ]);
    }
    const seenByMember = await dami.ok('read', groupId);
    expect(seenByMember.some((i: Item) => i.kind === 'urgent')).toBe(false);
    expect(JSON.stringify(seenByMember)).not.toContain('위험해요');
    expect((await chae.run('read', groupId)).stdout).toContain('[URGENT HELP] 지금 위험해요');
  });

  it('urgent-ack reaches the admin and the requester, who sees it was seen', { timeout: 120_000 }, async () => {
    const read = (await chae.ok('read', groupId)) as (Item & { sender: string })[];
    const request = read.find((i) => i.kind === 'urgent' && i.sender === ids.Bora)!;
    expect(await dami.fails('urgent-ack', groupId, request.messageId)).toMatch(/no urgent request/);
    await chae.ok('urgent-ack', groupId, request.messageId);
    const forAdmin = ((await alice.ok('read', groupId)) as Item[]).find((i) => i.messageId === request.messageId);
    expect(forAdmin).toMatchObject({ kind: 'urgent', acknowledged: true, acknowledgedBy: ids.Chae });
    const status = await bora.ok('urgent-status', groupId);
    expect(status).toMatchObject([{ requestId: request.messageId, status: 'seen' }]);
  });
});

describe('the CLI posts one bulletin to several groups', () => {
  it('with --also it arrives once in each of three groups', { timeout: 120_000 }, async () => {
    const second = (await alice.ok('group', 'create', '순례 모임')).id;
    const third = (await alice.ok('group', 'create', '캠페인 모임')).id;
    await admit(alice, second, bora, 'member');
    const posted = await alice.ok(
      'bulletin',
      groupId,
      '토요일 순례 안내',
      '--pin',
      '--also',
      second,
      '--also',
      '캠페인 모임',
    );
    expect(posted.map((p: { groupId: string }) => p.groupId)).toEqual([groupId, second, third]);
    for (const [u, g] of [
      [dami, groupId],
      [bora, second],
      [alice, third],
    ] as const) {
      const bulletins = ((await u.ok('read', g)) as (Item & { pinned: boolean })[]).filter(
        (i) => i.kind === 'bulletin' && i.text === '토요일 순례 안내',
      );
      expect(bulletins).toHaveLength(1);
      expect(bulletins[0]!.pinned).toBe(true);
    }
  });

  it('a group where she is only a member is refused before anything is sent', { timeout: 120_000 }, async () => {
    const own = (await bora.ok('group', 'create', '보라 모임')).id;
    const error = await bora.fails('bulletin', own, '모두에게', '--also', groupId);
    expect(error).toMatch(/nothing was sent: in “긴급 모임” only facilitators and admins post bulletins/);
    const mine = (await bora.ok('read', own)) as Item[];
    expect(mine.filter((i) => i.kind === 'bulletin')).toEqual([]);
  });
});
