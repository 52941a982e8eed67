// An admin's everyday work as the people see it, in real Chromium against a
// real server at 360 px: a new group keeps messages 30 days; invite codes stay
// on screen until closed, a revoked one goes and old invites fold away; the
// admin learns live that someone waits (group row, admin tab, a notice on the
// chat); the newcomer's waiting screen says an admin must approve and shows
// the same safety number as the admin's approval card; a verified mark; the
// rotation asks first; a member sees no retention section.
// Screenshots go to test-artifacts/web/.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ko } from '../../client/web/i18n/ko';
import { withDb } from '../support/db-tamper';
import {
  button,
  capture,
  createIdentity,
  createInvite,
  fillNewPassphrase,
  openTab,
  openWebSession,
  PASSPHRASE,
  type WebSession,
  pictureFailures,
} from '../support/web-app';

const GROUP = '월요 모임';
const DAY = 24 * 3600;

let session: WebSession;
let admin: Page;
let newcomer: Page;
let member: Page;
const links: Record<'unlabelled' | 'labelled', string> = { unlabelled: '', labelled: '' };

const t = (key: keyof typeof ko, params: Record<string, string | number> = {}) =>
  Object.entries(params).reduce((text, [k, v]) => text.replace(`{${k}}`, String(v)), ko[key] as string);
const digitsOf = async (page: Page, scope = page.locator('body')) =>
  (await scope.locator('.safety-digits').first().textContent())!.replace(/\D/g, '');

/** True when the element's text is not cut: nothing overflows it, and it ends inside the screen. */
const fitsOnScreen = (page: Page, selector: string) =>
  page.$$eval(selector, (els) =>
    els.every((el) => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().right <= window.innerWidth),
  );

/** Opens a link on a fresh phone, checks the prefilled code fits its field, and files the join request. */
async function joinChecked(page: Page, link: string, name: string, introduction: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(link);
  await page.getByRole('heading', { name: ko['setup.titleJoin'] }).waitFor();
  const code = page.getByLabel(ko['join.code']);
  expect((await code.inputValue()).length).toBeGreaterThan(30);
  expect(await fitsOnScreen(page, 'input[name="invite-code"]')).toBe(true);
  await page.getByLabel(ko['setup.displayName']).fill(name);
  await page.getByLabel(ko['join.introduction']).fill(introduction);
  await fillNewPassphrase(page, PASSPHRASE);
  await button(page, ko['setup.submitJoin']).click();
  await page.getByRole('heading', { name: ko['waiting.title'] }).waitFor();
}

const adminTab = (page: Page) =>
  page.getByRole('navigation', { name: ko['group.sections'] }).getByRole('button', { name: ko['tab.admin'] });

beforeAll(async () => {
  session = await openWebSession();
  [admin, newcomer, member] = await Promise.all([session.newPage(), session.newPage(), session.newPage()]);
  await createIdentity(admin, '관리자');
}, 90_000);

pictureFailures(
  'daily',
  () => session,
  () => ({ admin, newcomer, member }),
);

afterAll(async () => {
  await session?.close();
});

describe('an admin’s first week', () => {
  it('a new group keeps messages 30 days unless the admin chooses otherwise', async () => {
    const retention = admin.getByLabel(ko['admin.retention']);
    expect(await retention.inputValue()).toBe(String(30 * DAY));
    expect(await retention.locator('option:checked').textContent()).toBe(t('retention.days', { count: 30 }));
    await capture(admin, '40-new-group-retention');
    await admin.getByLabel(ko['newGroup.name']).fill(GROUP);
    await button(admin, ko['newGroup.submit']).click();
    await admin.getByRole('heading', { name: ko['requests.title'] }).waitFor();
    expect(await admin.getByLabel(ko['admin.retention']).inputValue()).toBe(String(30 * DAY));
    // the signed genesis carried it: the relay deletes after 30 days
    expect(
      withDb(session.server.dbPath, (db) => db.prepare('SELECT retention_seconds AS r FROM groups').get()),
    ).toEqual({ r: 30 * DAY });
  });

  it('codes stay until closed, a revoked code disappears and folds under past invites, and the code is not cut', async () => {
    await createInvite(admin, 'member', '버릴 초대');
    const codes = admin.getByTestId('invite-code');
    const first = (await codes.first().textContent())!;
    links.unlabelled = await createInvite(admin, 'member', '');
    // the first code is still there, under the newer one
    expect(await codes.count()).toBe(2);
    expect(await codes.nth(1).textContent()).toBe(first);
    expect(await fitsOnScreen(admin, '[data-testid="invite-code"]')).toBe(true);
    await capture(admin, '41-invite-two-codes');

    const revoked = admin.locator('li.invite', { hasText: '버릴 초대' });
    await revoked.getByRole('button', { name: ko['invite.revoke'] }).click();
    await codes.filter({ hasText: first }).waitFor({ state: 'detached' });
    expect(await codes.count()).toBe(1);
    // folded away: not on screen until she opens "past invites"
    const past = admin.locator('details.past-invites');
    await past.locator('summary', { hasText: t('invite.past', { count: 1 }) }).waitFor();
    expect(await revoked.isVisible()).toBe(false);
    await past.locator('summary').click();
    await revoked.getByText(ko['invite.statusRevoked']).waitFor();

    links.labelled = await createInvite(admin, 'member', '모임 초대');
    expect(await codes.count()).toBe(2);
    // she closes the older one herself
    const older = admin.locator('.invite-card').nth(1);
    await older.getByRole('button', { name: ko['invite.dismiss'] }).click();
    expect(await codes.count()).toBe(1);
    expect(await admin.getByTestId('invite-link').textContent()).toBe(links.labelled);
  });

  it('the admin is told live that someone waits: on the group row, the admin tab and the chat', async () => {
    await admin.getByRole('button', { name: ko['nav.back'] }).click();
    await admin.getByRole('heading', { name: ko['groups.title'] }).waitFor();
    const row = admin.locator('button.group-item', { hasText: GROUP });
    expect(await row.getByTestId('request-count').count()).toBe(0);

    await joinChecked(newcomer, links.unlabelled, '새싹', '월요 모임에 가고 싶어요');
    await row.getByText(t('groups.requests', { count: 1 })).waitFor();
    await capture(admin, '42-groups-request-count');

    await row.click();
    const notice = admin.getByRole('button', { name: t('group.requestsBanner', { count: 1 }) });
    await notice.waitFor();
    expect(await adminTab(admin).getAttribute('aria-label')).toContain(t('groups.requests', { count: 1 }));
    expect(await adminTab(admin).locator('.unread').textContent()).toBe('1');

    await joinChecked(member, links.labelled, '들풀', '들풀입니다');
    const two = admin.getByRole('button', { name: t('group.requestsBanner', { count: 2 }) });
    await two.waitFor();
    expect(await adminTab(admin).locator('.unread').textContent()).toBe('2');
    await capture(admin, '43-chat-requests-notice');
    await two.click();
    await admin.getByRole('heading', { name: ko['requests.title'] }).waitFor();
  });

  it('the newcomer waits for an admin and sees the digits the admin’s approval card shows', async () => {
    expect(await newcomer.getByText(ko['waiting.body']).isVisible()).toBe(true);
    expect(ko['waiting.body']).not.toMatch(/바로/);
    await newcomer.getByText(ko['waiting.safety']).waitFor();
    await newcomer.getByRole('img', { name: ko['waiting.safetyQr'] }).waitFor();
    const hers = await digitsOf(newcomer);
    expect(hers).toMatch(/^\d{60}$/);
    await capture(newcomer, '44-waiting-safety');

    const card = admin.locator('li.request', { hasText: '월요 모임에 가고 싶어요' });
    expect(await digitsOf(admin, card)).toBe(hers);
    // the unlabelled invite is named once, not "초대: 초대 …"
    const via = (await card.locator('.sender').textContent())!;
    expect(via).toBe(t('requests.via', { invite: t('invite.unlabelled', { id: '' }) }) + via.slice(-6));
    expect(via).not.toContain(`${ko['invite.title']}: ${ko['invite.title']}`);
    // the other card's digits are hers with the admin, not the newcomer's
    const other = admin.locator('li.request', { hasText: '들풀입니다' });
    expect(await digitsOf(admin, other)).not.toBe(hers);

    await card.getByRole('button', { name: ko['requests.approve'] }).click();
    await card.waitFor({ state: 'detached' });
    await adminTab(admin).locator('.unread', { hasText: '1' }).waitFor();
    await other.getByRole('button', { name: ko['requests.approve'] }).click();
    await other.waitFor({ state: 'detached' });
    await adminTab(admin).locator('.unread').waitFor({ state: 'hidden' });
    await newcomer.getByRole('navigation', { name: ko['group.sections'] }).waitFor({ timeout: 20_000 });
    await member.getByRole('navigation', { name: ko['group.sections'] }).waitFor({ timeout: 20_000 });
  });

  it('after comparing, the admin marks the newcomer verified; the mark shows beside her in the members tab', async () => {
    await openTab(admin, 'members');
    const her = admin.locator('li.member', { hasText: '새싹' });
    await her.waitFor();
    expect(await her.getByText(ko['members.verified']).count()).toBe(0);
    await her.getByRole('button', { name: ko['members.safety'] }).click();
    await admin.getByRole('heading', { name: ko['safety.title'] }).waitFor();
    await button(admin, ko['safety.markVerified']).click();
    await admin.getByTestId('verified-mark').waitFor();
    await button(admin, ko['safety.unmarkVerified']).waitFor();
    await capture(admin, '45-safety-verified');
    await admin.getByRole('button', { name: ko['nav.back'] }).click();
    await her.getByText(ko['members.verified']).waitFor();
    // only the one she compared
    expect(await admin.locator('li.member', { hasText: '들풀' }).getByText(ko['members.verified']).count()).toBe(0);
    await capture(admin, '46-members-verified');
  });

  it('rotating asks first, then the earlier code disappears and the old invites are folded away', async () => {
    await openTab(admin, 'admin');
    await admin.getByRole('heading', { name: ko['requests.title'] }).waitFor();
    const link = await createInvite(admin, 'member', '새 초대');
    const rotate = button(admin, ko['invite.rotate']);
    await rotate.click();
    await button(admin, ko['invite.rotateConfirm']).waitFor();
    // nothing revoked yet
    expect(await admin.getByTestId('invite-link').textContent()).toBe(link);
    await expect
      .poll(() => admin.locator('li.invite', { hasText: '새 초대' }).getByText(ko['invite.statusActive']).count())
      .toBe(1);
    await button(admin, ko['invite.rotateConfirm']).click();
    await admin.getByText(t('invite.revokedCount', { count: 1 })).waitFor();
    await admin.getByTestId('invite-link').filter({ hasText: link }).waitFor({ state: 'detached' });
    expect(await admin.getByTestId('invite-code').count()).toBe(1);
    // revoked, used up: four past invites, folded
    await admin.locator('details.past-invites summary', { hasText: t('invite.past', { count: 4 }) }).waitFor();
    const folded = admin.locator('details.past-invites li.invite', { hasText: '새 초대' });
    expect(await folded.getByText(ko['invite.statusRevoked']).isVisible()).toBe(false);
    // the new invite (same label, from the form) is the one active one
    expect(await admin.locator('li.invite', { hasText: ko['invite.statusActive'] }).count()).toBe(1);
    await capture(admin, '47-invites-after-rotation');
  });

  it('a member sees no retention section; the admin does', async () => {
    await member.getByRole('button', { name: ko['nav.back'] }).click();
    await member.getByRole('button', { name: ko['settings.title'] }).click();
    await member.getByRole('heading', { name: ko['settings.title'] }).waitFor();
    await member.getByLabel(ko['settings.lockAfter']).waitFor();
    // once her groups are read, the section stays hidden
    await member.locator('[data-testid="retention-settings"]:not([aria-busy])').waitFor({ state: 'attached' });
    expect(await member.getByTestId('retention-settings').isHidden()).toBe(true);
    expect(await member.getByRole('heading', { name: ko['admin.retention'] }).count()).toBe(0);
    await capture(member, '48-member-settings');

    await admin.getByRole('button', { name: ko['nav.back'] }).click();
    await admin.getByRole('button', { name: ko['settings.title'] }).click();
    await admin.getByRole('heading', { name: ko['admin.retention'] }).waitFor();
    expect(await admin.getByLabel(GROUP).inputValue()).toBe(String(30 * DAY));
  });
});
