// Losing the network and losing the group, in real Chromium against a real
// server: a member goes offline (the browser offline and her sockets cut,
// while the relay runs on for the admin), locks and unlocks and still sees
// her group and its conversation under a quiet offline bar, writes a message
// and withdraws it before it leaves, writes another that goes once she is back
// (the bar clears by itself, no red error stays); then the admin removes her:
// she keeps the group read-only with a notice and can delete it from her
// phone, and the admin still sees her name on her earlier messages.
// Screenshots go to test-artifacts/web/.
import type { BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ko } from '../../client/web/i18n/ko';
import {
  approve,
  button,
  capture,
  createGroup,
  createIdentity,
  createInvite,
  joinWithLink,
  message,
  openTab,
  openWebSession,
  PASSPHRASE,
  screenshot,
  sendMessage,
  unlock,
  type WebSession,
} from '../support/web-app';

const GROUP = '오프라인 모임';
const EARLIER = '연결이 끊기기 전에 쓴 글';
const WITHDRAWN = '보내지 않기로 한 글';
const KEPT = '연결되면 갈 글';

let session: WebSession;
let admin: Page;
let member: Page;

/**
 * One phone's network, cut as a phone loses signal: the browser goes offline
 * (every request fails). Chromium's offline mode leaves an open WebSocket
 * open with its frames silently dropped (a dead socket nobody notices), so her
 * sockets, routed through Playwright, are closed as the phone would find them
 * closed, and new ones refused until she is back. The relay runs on for the others.
 */
function phoneNetwork(context: BrowserContext) {
  let cut = false;
  const open = new Set<WebSocketRoute>();
  return {
    async install(): Promise<void> {
      await context.routeWebSocket(/\/ws$/, (ws) => {
        if (cut) return void ws.close({ code: 1001, reason: 'offline' }).catch(() => {});
        ws.connectToServer();
        open.add(ws);
        ws.onClose(() => open.delete(ws));
      });
    },
    async set(offline: boolean): Promise<void> {
      cut = offline;
      await context.setOffline(offline);
      if (offline) for (const ws of [...open]) await ws.close({ code: 1001, reason: 'offline' }).catch(() => {});
    },
  };
}

let network: ReturnType<typeof phoneNetwork>;
const bar = (page: Page) => page.getByTestId('connection-bar');
const visibleAlerts = (page: Page) => page.locator('.alert:visible');

beforeAll(async () => {
  session = await openWebSession();
  [admin, member] = await Promise.all([session.newPage(), session.newPage()]);
  network = phoneNetwork(member.context());
  await network.install();
  await createIdentity(admin, '관리자');
  await createGroup(admin, GROUP);
  const link = await createInvite(admin, 'member', '수아 초대');
  await joinWithLink(member, link, '수아', '센터에서 소개받았어요');
  await approve(admin, '센터에서 소개받았어요');
  await member.getByRole('heading', { name: GROUP }).waitFor({ timeout: 20_000 });
  await openTab(admin, 'chat');
  await sendMessage(member, EARLIER);
  await message(member, EARLIER).getByText(ko['chat.state.stored']).waitFor();
  await message(admin, EARLIER).locator('.sender', { hasText: '수아' }).waitFor();
}, 120_000);

afterEach(async (test) => {
  if (test.task.result?.state !== 'fail') return;
  for (const [who, page] of Object.entries({ admin, member }))
    await screenshot(page, `failed-offline-${who}`).catch(() => {});
  if (session.problems.length) console.error(session.problems.join('\n'));
});

afterAll(async () => {
  await session?.close();
});

describe('offline', () => {
  it('after locking and unlocking offline she still sees her group and its conversation, under the offline bar', async () => {
    await network.set(true);
    await button(member, ko['lock.button']).click();
    await unlock(member, PASSPHRASE);
    await member.getByRole('heading', { name: ko['groups.title'] }).waitFor();
    await member.getByRole('button', { name: GROUP }).waitFor();
    await bar(member).getByText(ko['connection.offline']).waitFor();
    expect(await visibleAlerts(member).count()).toBe(0);
    await capture(member, 'offline-01-groups');

    await member.getByRole('button', { name: GROUP }).click();
    await message(member, EARLIER).waitFor();
    expect(await bar(member).isVisible()).toBe(true);
  });

  it('a message written offline waits on the phone, and one she withdraws is gone', async () => {
    await sendMessage(member, WITHDRAWN);
    await sendMessage(member, KEPT);
    for (const text of [WITHDRAWN, KEPT]) await message(member, text).getByText(ko['chat.state.queued']).waitFor();
    await capture(member, 'offline-02-queued');

    await message(member, WITHDRAWN).getByRole('button', { name: ko['chat.cancelQueued'] }).click();
    await message(member, WITHDRAWN).waitFor({ state: 'detached' });
    await member.getByRole('status').filter({ hasText: ko['chat.cancelled'] }).waitFor({ state: 'attached' });
    expect(await message(member, KEPT).getByText(ko['chat.state.queued']).isVisible()).toBe(true);
  });

  it('back online the bar clears by itself, the waiting message leaves, the withdrawn one never does, and no error stays', async () => {
    await network.set(false);
    await bar(member).waitFor({ state: 'hidden', timeout: 20_000 });
    await message(member, KEPT).getByText(ko['chat.state.stored']).waitFor({ timeout: 20_000 });
    await message(admin, KEPT).locator('.sender', { hasText: '수아' }).waitFor();
    // Something sent after it arrives too, so anything sent before it would have arrived by now.
    await sendMessage(member, '다시 연결된 뒤의 글');
    await message(admin, '다시 연결된 뒤의 글').waitFor();
    expect(await message(admin, WITHDRAWN).count()).toBe(0);
    expect(await message(member, WITHDRAWN).count()).toBe(0);
    expect(await admin.locator('.messages .warning').count()).toBe(0); // no gap where the withdrawn one was
    expect(await visibleAlerts(member).count()).toBe(0);
    await button(member, ko['nav.back']).click();
    await member.getByRole('button', { name: GROUP }).waitFor();
    expect(await visibleAlerts(member).count()).toBe(0);
    expect(await bar(member).isVisible()).toBe(false);
  });
});

describe('a removed member', () => {
  it('keeps her group read-only with a notice, and the admin still sees her name on her earlier messages', async () => {
    await member.getByRole('button', { name: GROUP }).click();
    await message(member, EARLIER).waitFor();
    await openTab(admin, 'members');
    const row = admin.locator('li.member', { hasText: '수아' });
    await row.getByRole('button', { name: ko['members.remove'] }).click();
    await admin.getByRole('button', { name: ko['members.removeConfirm'].replace('{name}', '수아') }).click();
    await row.waitFor({ state: 'detached' });

    await member.getByTestId('removed-notice').getByText(ko['removed.notice']).waitFor({ timeout: 20_000 });
    expect(await member.getByLabel(ko['chat.compose']).isVisible()).toBe(false);
    await message(member, EARLIER).waitFor();
    await message(member, KEPT).waitFor();
    await capture(member, 'removed-01-read-only');

    await openTab(admin, 'chat');
    for (const text of [EARLIER, KEPT])
      expect(await message(admin, text).locator('.sender').textContent()).toBe('수아');
    await capture(admin, 'removed-02-admin-keeps-her-name');
  });

  it('her group stays in her list, marked removed, until she deletes it from her phone', async () => {
    await button(member, ko['nav.back']).click();
    const row = member.getByRole('button', { name: GROUP });
    await row.getByText(ko['removed.badge']).waitFor();
    await capture(member, 'removed-03-list');
    await row.click();
    await member.getByTestId('removed-notice').waitFor();
    await button(member, ko['removed.forget']).click();
    await button(member, ko['removed.forgetConfirm']).click();
    await member.getByRole('heading', { name: ko['groups.title'] }).waitFor();
    await member.getByText(ko['groups.empty']).waitFor();
    expect(session.problems).toEqual([]);
  });
});
