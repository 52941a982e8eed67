// A conversation as people coming from KakaoTalk or Signal expect it, in real
// Chromium against a real server: two phones (미나, the admin; 보라, a member
// who joins later). The newcomer's empty chat says why earlier messages are not
// shown; a message sent two days ago (미나's clock set back) and one from today
// sit under their own day lines; a "new messages" line marks where she stopped
// reading; a reply shows its quote on both phones; an edit shows the new text
// and "수정됨" on the other phone; a delete leaves the neutral line on both;
// search filters the conversation on the device; a bulletin marks the board
// tab, not the chat tab. Screenshots go to test-artifacts/web/.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ko } from '../../client/web/i18n/ko';
import {
  button,
  capture,
  createGroup,
  createIdentity,
  openTab,
  openWebSession,
  PASSPHRASE,
  sendMessage,
  unlock,
  type WebSession,
  pictureFailures,
  admit,
} from '../support/web-app';

const GROUP = '목요일 모임';
const DAY_MS = 24 * 3600 * 1000;

let session: WebSession;
let mina: Page;
let bora: Page;

/** The message whose own text (not a quote of it) holds these words. */
const message = (page: Page, text: string) =>
  page.locator('li.msg').filter({ has: page.locator(':scope > .body > p.text', { hasText: text }) });
const tabButton = (page: Page, tab: 'chat' | 'board') =>
  page.getByRole('navigation', { name: ko['group.sections'] }).getByRole('button', { name: ko[`tab.${tab}`] });
const tabMark = (page: Page, tab: 'chat' | 'board') => page.locator(`.tab-unread[data-tab="${tab}"]`);
const dayLine = (page: Page, ms: number) =>
  page.evaluate((t) => new Intl.DateTimeFormat('ko', { dateStyle: 'full' }).format(new Date(t)), ms);

/** Sends and waits until the relay acknowledged it. */
async function sendStored(page: Page, text: string): Promise<void> {
  await sendMessage(page, text);
  await message(page, text).getByText(ko['chat.state.stored']).waitFor();
}

async function postBulletin(page: Page, text: string): Promise<void> {
  await page.getByLabel(ko['board.compose']).fill(text);
  await button(page, ko['board.post']).click();
  await page.locator('li.bulletin', { hasText: text }).waitFor({ timeout: 15_000 });
}

/** Opens a message's menu and presses one of its actions. */
async function act(page: Page, text: string, action: string): Promise<void> {
  const li = message(page, text);
  await li.getByRole('button', { name: ko['chat.actions'] }).click();
  await li.getByRole('button', { name: action, exact: true }).click();
}

beforeAll(async () => {
  session = await openWebSession();
  [mina, bora] = await Promise.all([session.newPage(), session.newPage()]);
  // 미나's clock is under the test's control (it runs at the real time until it is set back).
  await mina.clock.install();
  await mina.reload();
  await createIdentity(mina, '미나');
  await createGroup(mina, GROUP);
  await admit(mina, bora, GROUP, {
    role: 'member',
    name: '보라',
    introduction: '상담소에서 왔어요',
    label: '보라 초대',
  });
}, 150_000);

pictureFailures(
  'conversation',
  () => session,
  () => ({ mina, bora }),
);

afterAll(async () => {
  await session?.close();
});

describe('a conversation', () => {
  it('a newcomer’s empty chat says that earlier messages are not shown to new members', async () => {
    await bora.getByText(ko['chat.emptyNewcomer']).waitFor();
    await capture(bora, 'conversation-01-newcomer-empty');
  });

  it('messages sit under a line with their day: one sent two days ago, one today', async () => {
    await openTab(mina, 'chat');
    const twoDaysAgo = Date.now() - 2 * DAY_MS;
    await mina.clock.setSystemTime(twoDaysAgo);
    await sendStored(mina, '그저께 보낸 메시지');
    await mina.clock.setSystemTime(Date.now());
    await mina.keyboard.press('Shift'); // she is active now (the auto-lock counts from her last input)
    if (await mina.getByLabel(ko['unlock.passphrase'], { exact: true }).isVisible()) {
      await unlock(mina, PASSPHRASE);
      await mina.getByRole('button', { name: GROUP }).click();
    }
    await sendStored(mina, '오늘 보낸 메시지');

    await message(bora, '오늘 보낸 메시지').waitFor({ timeout: 15_000 });
    expect(await bora.getByText(ko['chat.emptyNewcomer']).count()).toBe(0);
    const lines = await bora.locator('li.day-separator').allTextContents();
    expect(lines).toEqual([await dayLine(bora, twoDaysAgo), await dayLine(bora, Date.now())]);
    // In order: the old day's line, its message, today's line, today's message.
    const order = await bora
      .locator('ol.messages > li')
      .evaluateAll((els) => els.map((e) => (e.classList.contains('day-separator') ? 'day' : e.textContent)));
    expect(order.map((o) => (o === 'day' ? o : o?.includes('그저께') ? 'old' : 'today'))).toEqual([
      'day',
      'old',
      'day',
      'today',
    ]);
  });

  it('chat messages that arrive while she reads the board mark the chat tab; the chat opens at a "new messages" line', async () => {
    await openTab(bora, 'board');
    await sendStored(mina, '새 소식 하나');
    await sendStored(mina, '새 소식 둘');
    await tabMark(bora, 'chat').waitFor({ timeout: 15_000 });
    await expect.poll(() => tabMark(bora, 'chat').textContent(), { timeout: 15_000 }).toContain('2');
    expect(await tabMark(bora, 'board').isVisible()).toBe(false);

    await openTab(bora, 'chat');
    const divider = bora.locator('li.unread-divider');
    await divider.waitFor();
    expect(await divider.textContent()).toBe(ko['chat.newMessages']);
    // The line stands right above the first message she had not read.
    expect(await divider.evaluate((el) => el.nextElementSibling?.textContent ?? '')).toContain('새 소식 하나');
    expect(await divider.evaluate((el) => el.previousElementSibling?.textContent ?? '')).toContain('오늘 보낸 메시지');
    expect(await tabMark(bora, 'chat').isVisible()).toBe(false);
    await capture(bora, 'conversation-02-days-and-new-messages');
  });

  it('a reply shows a quote of the message it answers on both phones', async () => {
    await act(bora, '오늘 보낸 메시지', ko['chat.reply']);
    const bar = bora.locator('.compose-mode');
    expect(await bar.textContent()).toContain('미나');
    expect(await bar.textContent()).toContain('오늘 보낸 메시지');
    await capture(bora, 'conversation-03-replying');
    await sendStored(bora, '네, 알겠어요');
    expect(await bar.isVisible()).toBe(false);
    for (const [page, name] of [
      [bora, '미나'],
      [mina, ko['chat.you']],
    ] as const) {
      const quote = message(page, '네, 알겠어요').locator('blockquote.quote');
      await quote.waitFor({ timeout: 15_000 });
      expect(await quote.locator('.quote-sender').textContent()).toBe(name);
      expect(await quote.locator('.quote-text').textContent()).toBe('오늘 보낸 메시지');
    }
  });

  it('she edits her message: the other phone shows the new text and "수정됨"', async () => {
    await act(bora, '네, 알겠어요', ko['chat.edit']);
    const input = bora.getByLabel(ko['chat.compose']);
    expect(await input.inputValue()).toBe('네, 알겠어요');
    await input.fill('네, 2시에 갈게요');
    await button(bora, ko['chat.saveEdit']).click();
    for (const page of [mina, bora]) {
      const edited = message(page, '네, 2시에 갈게요');
      await edited.locator('.edited').waitFor({ timeout: 15_000 });
      expect(await edited.locator('.edited').textContent()).toBe(ko['chat.edited']);
      expect(await page.getByText('네, 알겠어요').count()).toBe(0);
    }
  });

  it('she deletes her message for everyone: both phones show the neutral line, and the text is gone', async () => {
    await sendStored(bora, '실수로 보낸 말');
    await message(mina, '실수로 보낸 말').waitFor({ timeout: 15_000 });
    await act(bora, '실수로 보낸 말', ko['chat.delete']);
    await capture(bora, 'conversation-04-delete-asks-twice');
    await message(bora, '실수로 보낸 말').getByRole('button', { name: ko['chat.deleteConfirm'] }).click();
    for (const page of [bora, mina]) {
      await page.locator('li.msg .text.deleted').waitFor({ timeout: 15_000 });
      expect(await page.locator('li.msg .text.deleted').textContent()).toBe(ko['chat.deleted']);
      expect(await page.getByText('실수로 보낸 말').count()).toBe(0);
    }
    // Someone else's message offers a reply, but neither edit nor delete.
    await message(bora, '새 소식 하나').getByRole('button', { name: ko['chat.actions'] }).click();
    const menu = message(bora, '새 소식 하나');
    expect(await menu.getByRole('button', { name: ko['chat.reply'], exact: true }).isVisible()).toBe(true);
    expect(await menu.getByRole('button', { name: ko['chat.edit'], exact: true }).count()).toBe(0);
    expect(await menu.getByRole('button', { name: ko['chat.delete'], exact: true }).count()).toBe(0);
  });

  it('search finds a message on the device, marks the words and hides the rest; closing it shows everything again', async () => {
    const sent: string[] = [];
    mina.on('request', (r) => sent.push(`${r.url()} ${r.postData() ?? ''}`));
    await button(mina, ko['chat.search']).click();
    await mina.getByRole('searchbox', { name: ko['chat.search'] }).fill('2시');
    await mina.getByText(ko['chat.searchResults'].replace('{count}', '1')).waitFor();
    expect(await message(mina, '네, 2시에 갈게요').isVisible()).toBe(true);
    expect(await message(mina, '네, 2시에 갈게요').locator('mark').textContent()).toBe('2시');
    expect(await message(mina, '오늘 보낸 메시지').isVisible()).toBe(false);
    expect(await mina.locator('li.day-separator:visible').count()).toBe(0);
    await capture(mina, 'conversation-05-search');
    await mina.getByRole('searchbox', { name: ko['chat.search'] }).fill('없는 말');
    await mina.getByText(ko['chat.searchNone']).waitFor();
    expect(sent.filter((s) => s.includes('2시') || s.includes(encodeURIComponent('2시')))).toEqual([]);
    await button(mina, ko['chat.searchClose']).click();
    expect(await message(mina, '오늘 보낸 메시지').isVisible()).toBe(true);
    expect(await mina.locator('mark').count()).toBe(0);
  });

  it('a bulletin marks the board tab, not the chat tab; older bulletins show their date, today’s their time', async () => {
    await openTab(mina, 'board');
    const twoDaysAgo = Date.now() - 2 * DAY_MS;
    await mina.clock.setSystemTime(twoDaysAgo);
    await postBulletin(mina, '[공지] 지난 모임 안내');
    await mina.clock.setSystemTime(Date.now());
    await mina.keyboard.press('Shift');
    await postBulletin(mina, '[공지] 12일 모임은 1시');

    await tabMark(bora, 'board').waitFor({ timeout: 15_000 });
    await expect.poll(() => tabMark(bora, 'board').textContent(), { timeout: 15_000 }).toContain('2');
    expect(await tabMark(bora, 'chat').isVisible()).toBe(false);
    expect(await tabButton(bora, 'board').textContent()).toContain('2');
    await capture(bora, 'conversation-06-board-unread');

    await openTab(bora, 'board');
    const older = bora.locator('li.bulletin', { hasText: '지난 모임' }).locator('time');
    const today = bora.locator('li.bulletin', { hasText: '12일 모임' }).locator('time');
    await today.waitFor();
    const oldDate = await bora.evaluate(
      (t) => new Intl.DateTimeFormat('ko', { dateStyle: 'medium' }).format(new Date(t)),
      twoDaysAgo,
    );
    expect(await older.textContent()).toContain(oldDate);
    expect(await today.textContent()).not.toMatch(/\d{4}\./);
    expect(await tabMark(bora, 'board').isVisible()).toBe(false);
    await capture(bora, 'conversation-07-board-dates');
  });

  it('a facilitator or admin edits her own bulletin; the other phone shows the new text and "수정됨"', async () => {
    const mine = mina.locator('li.bulletin', { hasText: '12일 모임은 1시' });
    await mine.getByRole('button', { name: ko['chat.actions'] }).click();
    await mine.getByRole('button', { name: ko['chat.edit'], exact: true }).click();
    await mina.getByLabel(ko['chat.editing']).fill('[공지] 12일 모임은 2시');
    await button(mina, ko['chat.saveEdit']).click();
    const shown = bora.locator('li.bulletin', { hasText: '12일 모임은 2시' });
    await shown.locator('.edited').waitFor({ timeout: 15_000 });
    expect(await bora.getByText('12일 모임은 1시').count()).toBe(0);
  });
});
