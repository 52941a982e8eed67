// A notice board is for newcomers too (issue 17, item 1), in real Chromium
// against a real server: an admin creates a group and makes a facilitator
// (an invite with the facilitator role); the facilitator posts an earlier,
// unpinned bulletin and then a pinned one; a member who joins afterwards and
// is approved finds the pinned bulletin on her board, marked pinned and
// credited to a facilitator, and nothing from before her join that was not
// pinned; when the facilitator unpins it, her board follows. Screenshots go
// to test-artifacts/web/.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ko } from '../../client/web/i18n/ko';
import {
  button,
  capture,
  createGroup,
  createIdentity,
  message,
  openTab,
  openWebSession,
  sendMessage,
  type WebSession,
  pictureFailures,
  admit,
} from '../support/web-app';

const GROUP = '늘봄 모임';
const NOTICE = '[공지] 12월 모임은 12일(토) 오후 2시, 늘 만나던 곳에서 해요.';
const OLD = '지난 달 안내: 이제 고정하지 않은 글';
const CHAT = '새 회원이 오기 전의 대화';

let session: WebSession;
let admin: Page;
let facilitator: Page;
let newcomer: Page;

beforeAll(async () => {
  session = await openWebSession();
  [admin, facilitator, newcomer] = await Promise.all([session.newPage(), session.newPage(), session.newPage()]);
  await createIdentity(admin, '관리자');
  await createGroup(admin, GROUP);
}, 90_000);

pictureFailures(
  'newcomer-board',
  () => session,
  () => ({ admin, facilitator, newcomer }),
);

afterAll(async () => {
  await session?.close();
});

async function postBulletin(text: string, pin: boolean): Promise<void> {
  await facilitator.getByLabel(ko['board.compose']).fill(text);
  if (pin) await facilitator.getByLabel(ko['board.pinOnPost']).check();
  await button(facilitator, ko['board.post']).click();
  await facilitator.locator(pin ? 'li.bulletin.pinned' : 'li.bulletin', { hasText: text }).waitFor();
}

describe('the board of a member who joins later', () => {
  it('a facilitator, made with a facilitator invite, posts a pinned bulletin after an unpinned one', async () => {
    await openTab(admin, 'admin');
    await admit(admin, facilitator, GROUP, {
      role: 'facilitator',
      name: '활동가',
      introduction: '활동가입니다',
      label: '활동가용',
    });
    await sendMessage(facilitator, CHAT);
    await message(facilitator, CHAT).getByText(ko['chat.state.stored']).waitFor({ timeout: 15_000 });
    await openTab(facilitator, 'board');
    await postBulletin(OLD, false);
    await postBulletin(NOTICE, true);
    expect(session.problems).toEqual([]);
  });

  it('a member approved afterwards sees the pinned bulletin on her board, and nothing else from before', async () => {
    await admit(admin, newcomer, GROUP, {
      role: 'member',
      name: '새싹',
      introduction: '소개받고 왔어요',
      label: '새 회원',
    });
    await openTab(newcomer, 'board');
    const notice = newcomer.locator('li.bulletin', { hasText: NOTICE });
    await notice.waitFor({ timeout: 20_000 });
    expect(await notice.getAttribute('class')).toContain('pinned');
    await notice.getByText(ko['board.pinned']).waitFor();
    expect(await notice.locator('.badge.role-facilitator').textContent()).toBe(ko['role.facilitator']);
    expect(await newcomer.locator('li.bulletin').count()).toBe(1);
    expect(await newcomer.getByText(OLD).count()).toBe(0);
    await capture(newcomer, 'newcomer-board');

    await openTab(newcomer, 'chat');
    await newcomer.getByLabel(ko['chat.compose']).waitFor();
    expect(await message(newcomer, CHAT).count()).toBe(0);
    expect(session.problems).toEqual([]);
  });

  it('when the facilitator unpins it, her board shows it unpinned, live', async () => {
    await openTab(newcomer, 'board');
    await newcomer.locator('li.bulletin.pinned', { hasText: NOTICE }).waitFor();
    const mine = facilitator.locator('li.bulletin', { hasText: NOTICE });
    await mine.getByRole('button', { name: ko['board.unpin'] }).click();
    await mine.getByRole('button', { name: ko['board.pin'] }).waitFor();
    await newcomer.locator('li.bulletin.pinned', { hasText: NOTICE }).waitFor({ state: 'detached', timeout: 15_000 });
    const notice = newcomer.locator('li.bulletin', { hasText: NOTICE });
    expect(await notice.getByText(ko['board.pinned']).count()).toBe(0);
    expect(session.problems).toEqual([]);
  });
});
