// reply, edit and delete from the real mindeulle bin against a real server:
// messages are named by the #number `read` shows; only the sender can change
// her message, and a deleted one reads "[deleted]" for everyone.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useServer } from '../../support/fixtures';
import { CliUser } from './run-cli';

const server = useServer();
let root = '';
const user = (name: string) => new CliUser(name, path.join(root, name), server.current.url);

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mindeulle-cli-changes-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('the CLI answers, edits and deletes messages', () => {
  it('reply quotes a message by its #number; edit and delete change only her own message, for everyone', {
    timeout: 120_000,
  }, async () => {
    const [alice, bora] = ['alice', 'bora'].map(user) as [CliUser, CliUser];
    await alice.ok('init', '--name', 'Alice');
    await bora.ok('init', '--name', 'Bora');
    const { id: groupId } = await alice.ok('group', 'create', '답장 모임');
    const invite = await alice.ok('invite', 'create', groupId);
    const join = await bora.ok('join', invite.code);
    await alice.ok('approve', groupId, join.requestId);

    const question = await bora.ok('send', groupId, '내일 몇 시예요?');
    const answer = await alice.ok('reply', groupId, `#${question.seq}`, '오후 2시예요');
    expect(answer.replyTo).toBe(question.messageId);
    const typo = await alice.ok('send', groupId, '장소는 상담소 2층');
    const gone = await alice.ok('send', groupId, '잘못 보낸 말');

    await alice.ok('edit', groupId, `#${typo.seq}`, '장소는 상담소 3층');
    await alice.ok('delete', groupId, gone.messageId);
    expect(await bora.fails('delete', groupId, `#${typo.seq}`)).toMatch(/only the sender/);
    expect(await bora.fails('edit', groupId, '#9999', '없는 글')).toMatch(/no message #9999/);

    const read = await bora.ok('read', groupId);
    const bySeq = new Map(read.map((m: { seq: number }) => [m.seq, m]));
    expect(bySeq.get(answer.seq)).toMatchObject({ text: '오후 2시예요', replyTo: question.messageId });
    expect(bySeq.get(typo.seq)).toMatchObject({ text: '장소는 상담소 3층', edited: true });
    expect(bySeq.get(gone.seq)).toMatchObject({ text: '[deleted]', deleted: true });
    expect(JSON.stringify(read)).not.toContain('잘못 보낸 말');

    const lines = (await bora.run('read', groupId)).stdout;
    expect(lines).toContain(`#${answer.seq} Alice: ↪ #${question.seq} 오후 2시예요`);
    expect(lines).toContain(`#${typo.seq} Alice: 장소는 상담소 3층 (edited)`);
    expect(lines).toContain(`#${gone.seq} Alice: [deleted]`);
  });
});
