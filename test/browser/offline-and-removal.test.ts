// Losing the network and losing the group, in real Chromium against a real
// server: a member goes offline (the browser offline and her sockets cut,
// while the relay runs on for the admin), locks and unlocks and still sees
// her group and its conversation under a quiet offline bar, writes a message
// and withdraws it before it leaves, writes another that goes once she is back
// (the bar clears by itself, no red error stays); then the admin removes her:
// she keeps the group read-only with a notice and can delete it from her
// phone, and the admin still sees her name on her earlier messages.
// Screenshots go to test-artifacts/web/.
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
  PASSPHRASE,
  sendMessage,
  unlock,
  type WebSession,
  pictureFailures,
  admit,
} from '../support/web-app';
import { type PhoneNetwork, phoneNetwork } from '../support/phone-network';

const GROUP = '오프라인 모임';
const EARLIER = '연결이 끊기기 전에 쓴 글';
const WITHDRAWN = '보내지 않기로 한 글';
const KEPT = '연결되면 갈 글';

let session: WebSession;
let admin: Page;
let member: Page;

let network: PhoneNetwork;
const bar = (page: Page) => page.getByTestId('connection-bar');
const visibleAlerts = (page: Page) => page.locator('.alert:visible');

beforeAll(async () => {
  session = await openWebSession();
  [admin, member] = await Promise.all([session.newPage(), session.newPage()]);
  network = phoneNetwork(member.context());
  await network.install();
  await createIdentity(admin, '관리자');
  await createGroup(admin, GROUP);
  await admit(admin, member, GROUP, {
    role: 'member',
    name: '수아',
    introduction: '센터에서 소개받았어요',
    label: '수아 초대',
  });
  await openTab(admin, 'chat');
  await sendMessage(member, EARLIER);
  await message(member, EARLIER).getByText(ko['chat.state.stored']).waitFor();
  await message(admin, EARLIER).locator('.sender', { hasText: '수아' }).waitFor();
}, 120_000);

pictureFailures(
  'offline',
  () => session,
  () => ({ admin, member }),
);

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
