// Urgent help and one bulletin to several groups (issue 20), in real Chromium
// at 390 px against a real server. A member asks for help in two taps; the
// facilitator (her app in English) sees the alert in the group list and at
// the top of the group and acknowledges it; the member sees "seen"; a second
// member sees nothing. With a short wait set by the admin, a request nobody
// acknowledges (sent while offline: "not sent yet" first) shows the help
// numbers. The admin posts one bulletin to two groups with the picker.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../client/web/i18n/en';
import { ko } from '../../client/web/i18n/ko';
import {
  button,
  capture,
  createGroup,
  createIdentity,
  openTab,
  openWebSession,
  type WebSession,
  pictureFailures,
  admit,
  PHONE_390,
} from '../support/web-app';
import { type PhoneNetwork, phoneNetwork } from '../support/phone-network';

const GROUP = '긴급 모임';
const OTHER = '순례 모임';

let session: WebSession;
let admin: Page;
let member: Page;
let facilitator: Page;
let second: Page;

let network: PhoneNetwork;

const groupRow = (page: Page, name = GROUP) => page.locator('button.group-item', { hasText: name });

beforeAll(async () => {
  session = await openWebSession();
  [admin, member, facilitator, second] = (await Promise.all([1, 2, 3, 4].map(() => session.newPage(PHONE_390)))) as [
    Page,
    Page,
    Page,
    Page,
  ];
  network = phoneNetwork(member.context());
  await network.install();
  await createIdentity(admin, '관리자');
  await createGroup(admin, GROUP);
  await admit(admin, facilitator, GROUP, { role: 'facilitator', name: '활동가', introduction: '활동가예요' });
  await admit(admin, member, GROUP, { role: 'member', name: '보라', introduction: '보라예요' });
  await admit(admin, second, GROUP, { role: 'member', name: '다미', introduction: '다미예요' });
  // the facilitator reads the app in English
  await button(facilitator, ko['nav.back']).click();
  await button(facilitator, ko['settings.title']).click();
  await facilitator.getByLabel(ko['settings.language']).selectOption('en');
  await button(facilitator, en['nav.back']).click();
}, 180_000);

pictureFailures(
  'urgent',
  () => session,
  () => ({ admin, member, facilitator, second }),
);

afterAll(async () => {
  await session?.close();
});

describe('urgent help', () => {
  it('a member asks for help in two taps; the facilitator sees it in the group list, a second member sees nothing', async () => {
    await button(member, ko['urgent.open']).click();
    await capture(member, 'urgent-form');
    await button(member, ko['urgent.suggestDanger']).click();
    await member.getByText(ko['urgent.sent']).waitFor({ timeout: 15_000 });
    const badge = groupRow(facilitator).getByTestId('urgent-badge');
    await badge.waitFor({ timeout: 15_000 });
    expect(await badge.textContent()).toBe(en['urgent.badge'].replace('{count}', '1'));
    await capture(facilitator, 'urgent-group-list');
    // the second member's chat and group show nothing of it
    await second.waitForTimeout(1500);
    expect(await second.locator('.urgent-alert').count()).toBe(0);
    expect(await second.getByText(ko['urgent.suggestDanger']).count()).toBe(1); // her own suggestion button only
    expect(await second.locator('li.msg').count()).toBe(0);
    expect(await second.locator('.warning:visible').allTextContents()).toEqual([]);
    expect(session.problems).toEqual([]);
  });

  it('the facilitator acknowledges the alert at the top of the group; the member sees it was seen', async () => {
    await groupRow(facilitator).click();
    const alert = facilitator.locator('.urgent-alert', { hasText: ko['urgent.suggestDanger'] });
    await alert.waitFor();
    await alert.getByText(en['urgent.from'].replace('{name}', '보라')).waitFor();
    await capture(facilitator, 'urgent-alert');
    await alert.getByRole('button', { name: en['urgent.ack'] }).click();
    await alert.waitFor({ state: 'detached', timeout: 15_000 });
    await member.getByText(ko['urgent.seen']).waitFor({ timeout: 15_000 });
    await capture(member, 'urgent-seen');
    // the admin's alert went too: one acknowledgement is enough
    await openTab(admin, 'chat');
    await admin.waitForTimeout(1000);
    expect(await admin.locator('.urgent-alert').count()).toBe(0);
    expect(session.problems).toEqual([]);
  });

  it('with no answer within the admin’s wait, a request sent offline shows "not sent yet", then the help numbers', async () => {
    await openTab(admin, 'admin');
    await admin.getByLabel(ko['admin.urgentWait']).fill('0.1');
    await admin.getByLabel(ko['admin.helpNumbers']).fill('1366, 112');
    await capture(admin, 'urgent-admin-settings');
    await button(admin, ko['admin.saveHelp']).click();
    await admin.getByText(ko['admin.saved']).first().waitFor();
    await member.waitForTimeout(2000); // the signed settings reach her live

    await network.set(true);
    await button(member, ko['urgent.open']).click();
    await button(member, ko['urgent.suggestContact']).click();
    await member.getByText(ko['urgent.queued']).waitFor({ timeout: 15_000 });
    await capture(member, 'urgent-queued');
    await network.set(false);
    await member.getByText(ko['urgent.queued']).waitFor({ state: 'detached', timeout: 30_000 });
    const noAnswer = member.locator('.urgent-status.no-answer', { hasText: ko['urgent.noAnswerCall'] });
    await noAnswer.waitFor({ timeout: 20_000 });
    expect(await noAnswer.locator('.help-numbers').textContent()).toBe('1366, 112');
    await capture(member, 'urgent-no-answer');
    expect(session.problems.filter((p) => !p.includes('ERR_INTERNET_DISCONNECTED'))).toEqual([]);
  });
});

describe('one bulletin to several groups', () => {
  it('the admin ticks another of her groups in the bulletin composer, and the bulletin appears in both', async () => {
    await button(admin, ko['nav.back']).click();
    await button(admin, ko['groups.create']).click();
    await createGroup(admin, OTHER);
    await button(admin, ko['nav.back']).click();
    await groupRow(admin).click();
    await openTab(admin, 'board');
    await admin.getByText(ko['board.alsoGroups']).click();
    await admin.getByLabel(OTHER).check();
    await admin.getByLabel(ko['board.compose']).fill('토요일 순례 안내');
    await capture(admin, 'bulletin-group-picker');
    await button(admin, ko['board.post']).click();
    await admin.locator('li.bulletin', { hasText: '토요일 순례 안내' }).waitFor();
    await button(admin, ko['nav.back']).click();
    await groupRow(admin, OTHER).click();
    await openTab(admin, 'board');
    await admin.locator('li.bulletin', { hasText: '토요일 순례 안내' }).waitFor();
    expect(await admin.locator('li.bulletin').count()).toBe(1);
    expect(session.problems.filter((p) => !p.includes('ERR_INTERNET_DISCONNECTED'))).toEqual([]);
  });
});
