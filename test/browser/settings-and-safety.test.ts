// Settings and safety as a person sees them, in real Chromium against a real
// server: saves confirmed on screen, whether a duress passphrase is set (only
// while unlocked), changing the passphrase (the old one then opens nothing,
// the new one everything, the duress one still wipes), the phone's Back
// inside the app without a history entry Back could return through after a
// quick exit, 200 % zoom, and English plurals.
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEUTRAL_URL } from '../../client/web/core/quick-exit';
import { en } from '../../client/web/i18n/en';
import { ko } from '../../client/web/i18n/ko';
import {
  button,
  capture,
  createGroup,
  createIdentity,
  createInvite,
  fillNewPassphrase,
  message,
  openTab,
  openWebSession,
  PASSPHRASE,
  sendMessage,
  unlock,
  type WebSession,
  pictureFailures,
} from '../support/web-app';

const GROUP = '봄 모임';
const FIRST = '다음 주에 만나요';
const DURESS = '비상시에 쓰는 다른 암호';
const NEW_PASSPHRASE = '새로 바꾼 암호 민들레 씨앗';

let session: WebSession;
let page: Page;

beforeAll(async () => {
  session = await openWebSession();
  page = await session.newPage();
  await createIdentity(page, '지원');
  await createGroup(page, GROUP);
  await openTab(page, 'chat');
  await sendMessage(page, FIRST);
  await message(page, FIRST).waitFor();
}, 120_000);

pictureFailures(
  'settings',
  () => session,
  () => ({ page }),
);

afterAll(async () => {
  await session?.close();
});

const groupRow = () => page.locator('button.group-item', { hasText: GROUP });
const heading = (name: string) => page.getByRole('heading', { name, exact: true });

async function toGroups(): Promise<void> {
  if (await heading(ko['groups.title']).isVisible()) return;
  await page.getByRole('button', { name: ko['nav.back'] }).first().click();
  await heading(ko['groups.title']).waitFor();
}

async function openSettings(): Promise<void> {
  await toGroups();
  await button(page, ko['settings.title']).click();
  await heading(ko['settings.title']).waitFor();
}

async function lockAndDump(): Promise<string> {
  await button(page, ko['lock.button']).click();
  await heading(ko['unlock.title']).waitFor();
  await new Promise((r) => setTimeout(r, 100)); // past the live region's re-announce tick
  return page.content();
}

/** On screen at this size, not covered by anything (the bar stays on top), and takes a click. */
async function expectUsable(target: Locator, label: string, { minWidth = 40, maxHeight = 60 } = {}): Promise<void> {
  await target.scrollIntoViewIfNeeded();
  const box = (await target.boundingBox())!;
  const width = page.viewportSize()!.width;
  expect(box, label).not.toBeNull();
  expect(box.x, label).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, label).toBeLessThanOrEqual(width + 0.5);
  expect(box.width, label).toBeGreaterThanOrEqual(minWidth);
  // a button's words on one line, not one letter per line
  expect(box.height, label).toBeLessThanOrEqual(maxHeight);
  const onTop = await target.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit !== null && (hit === el || el.contains(hit));
  });
  expect(onTop, `${label} is covered`).toBe(true);
}

describe('saving and the duress passphrase', () => {
  it('each save is confirmed beside its control; Settings says whether a duress passphrase is set, the locked screen does not', async () => {
    await openSettings();
    const duressState = page.getByTestId('duress-state');
    expect(await duressState.textContent()).toBe(ko['settings.duressOff']);

    await page.getByLabel(ko['settings.lockAfter']).selectOption('15');
    const lockSaved = page.locator('.saved-note', { hasText: ko['settings.saved'] });
    await lockSaved.waitFor();
    expect(await lockSaved.isVisible()).toBe(true);

    const duressForm = page.locator('form', { has: page.getByRole('heading', { name: ko['settings.duressTitle'] }) });
    await fillNewPassphrase(page, DURESS, ko['settings.duressPassphrase']);
    await button(page, ko['settings.duressSave']).click();
    const duressSaved = duressForm.locator('.saved-note', { hasText: ko['settings.duressSet'] });
    await duressSaved.waitFor();
    expect(await duressSaved.isVisible()).toBe(true);
    expect(await duressState.textContent()).toBe(ko['settings.duressOn']);
    await page.getByRole('status').filter({ hasText: ko['settings.duressSet'] }).waitFor({ state: 'attached' });
    await capture(page, '20-settings-saved');

    const dom = await lockAndDump();
    for (const said of [ko['settings.duressOn'], ko['settings.duressSet'], ko['settings.saved'], '비상'])
      expect(dom).not.toContain(said);
    await unlock(page, PASSPHRASE);
    await heading(ko['groups.title']).waitFor();
  });
});

describe('copying an invite link', () => {
  it('says "link copied" beside the button', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: session.server.url });
    await groupRow().click();
    await openTab(page, 'admin');
    const link = await createInvite(page, 'member', '복사 확인');
    await button(page, ko['invite.copyLink']).click();
    const copied = page.locator('.invite-result .saved-note', { hasText: ko['invite.copied'] });
    await copied.waitFor();
    expect(await copied.isVisible()).toBe(true);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await toGroups();
  });
});

describe("the phone's Back", () => {
  it('from a group goes back to the group list, with no history entry added', async () => {
    const entries = await page.evaluate(() => history.length);
    await groupRow().click();
    await page.getByRole('navigation', { name: ko['group.sections'] }).waitFor();
    // Chromium raises a close request on Escape, as Android's Back gesture does.
    await page.keyboard.press('Escape');
    await heading(ko['groups.title']).waitFor();
    expect(await page.evaluate(() => history.length)).toBe(entries);
  });

  it('after a quick exit from inside a group, neither Back nor Forward leads into the app', async () => {
    await groupRow().click();
    await page.getByRole('navigation', { name: ko['group.sections'] }).waitFor();
    await page.getByTestId('quick-exit').click();
    await page.waitForURL(`${NEUTRAL_URL}**`);
    const origin = session.server.url;
    await page.goBack().catch(() => null);
    expect(page.url().startsWith(origin)).toBe(false);
    await page.goForward().catch(() => null);
    expect(page.url().startsWith(origin)).toBe(false);
    expect(await page.getByRole('heading', { name: ko['groups.title'] }).count()).toBe(0);
    await page.goto(origin);
    await unlock(page, PASSPHRASE);
    await heading(ko['groups.title']).waitFor();
  });
});

describe('200 % zoom', () => {
  it('the lock button and the message box stay on screen, uncovered and usable (a 360 px phone at 200 %)', async () => {
    await toGroups();
    await page.setViewportSize({ width: 180, height: 370 });
    try {
      await groupRow().click();
      await openTab(page, 'chat');
      await message(page, FIRST).waitFor();
      await capture(page, '21-chat-200-percent');
      await expectUsable(button(page, ko['lock.button']), 'lock button');
      await expectUsable(page.getByTestId('quick-exit'), 'quick exit');
      const box = page.getByLabel(ko['chat.compose']);
      await expectUsable(box, 'message box', { minWidth: 0.8 * 180, maxHeight: 160 });
      await expectUsable(button(page, ko['chat.send']), 'send button');
      await box.click();
      await box.fill('확대해도 보낼 수 있어요');
      await button(page, ko['chat.send']).click();
      await message(page, '확대해도 보낼 수 있어요').waitFor();
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      await expectUsable(button(page, ko['lock.button']), 'lock button after scrolling');
      await button(page, ko['lock.button']).click();
      await heading(ko['unlock.title']).waitFor();
      await capture(page, '22-unlock-200-percent');
      await unlock(page, PASSPHRASE);
      await heading(ko['groups.title']).waitFor();
    } finally {
      await page.setViewportSize({ width: 360, height: 740 });
    }
  });
});

describe('English', () => {
  it('says "1 hour", "1 day" and "after 1 minute", and the plural from 2 on', async () => {
    await openSettings();
    await page.getByLabel(ko['settings.language']).selectOption('en');
    await heading(en['settings.title']).waitFor();
    const lockChoices = await page.getByLabel(en['settings.lockAfter']).locator('option').allTextContents();
    expect(lockChoices).toContain('after 1 minute without use');
    expect(lockChoices).toContain('after 5 minutes without use');
    await page.getByRole('button', { name: en['nav.back'] }).click();
    await groupRow().click();
    await page
      .getByRole('navigation', { name: en['group.sections'] })
      .getByRole('button', { name: en['tab.admin'] })
      .click();
    const expiry = await page.getByLabel(en['invite.expiry']).locator('option').allTextContents();
    expect(expiry).toEqual(expect.arrayContaining(['1 hour', '1 day', '7 days', '30 days']));
    expect(expiry.join(' ')).not.toMatch(/\b1 (hours|days)\b/);
    await capture(page, '23-invite-form-en');
    await page.getByRole('button', { name: en['nav.back'] }).click();
    await button(page, en['settings.title']).click();
    await page.getByLabel(en['settings.language']).selectOption('ko');
    await heading(ko['settings.title']).waitFor();
  });
});

describe('changing the passphrase', () => {
  it('asks for the current one and the new one twice; then the old one opens nothing, the new one opens the groups and messages', async () => {
    await heading(ko['settings.title']).waitFor();
    const form = page.locator('form', { has: page.getByRole('heading', { name: ko['settings.passphraseTitle'] }) });
    const current = form.getByLabel(ko['settings.passphraseCurrent'], { exact: true });
    const fresh = form.getByLabel(ko['settings.newPassphrase'], { exact: true });
    const again = form.getByLabel(ko['settings.newPassphraseConfirm'], { exact: true });
    const submit = form.getByRole('button', { name: ko['settings.passphraseSubmit'] });

    await current.fill('이건 지금 암호가 아니에요');
    await fresh.fill(NEW_PASSPHRASE);
    await again.fill(NEW_PASSPHRASE);
    expect(await form.locator('.strength').getAttribute('data-level')).toBe('strong');
    await submit.click();
    await form.getByRole('alert').getByText(ko['settings.passphraseWrong']).waitFor();

    await current.fill(PASSPHRASE);
    await fresh.fill(DURESS);
    await again.fill(DURESS);
    await submit.click();
    await form.getByRole('alert').getByText(ko['settings.passphraseSameAsDuress']).waitFor();

    await fresh.fill(NEW_PASSPHRASE);
    await again.fill(NEW_PASSPHRASE);
    await submit.click();
    const changed = form.locator('.saved-note', { hasText: ko['settings.passphraseChanged'] });
    await changed.waitFor({ timeout: 30_000 });
    expect(await changed.isVisible()).toBe(true);
    expect(await current.inputValue()).toBe('');
    await capture(page, '24-passphrase-changed');

    const dom = await lockAndDump();
    expect(dom).not.toContain(ko['settings.passphraseChanged']);
    await unlock(page, PASSPHRASE);
    await page.getByRole('alert').getByText(ko['unlock.wrong']).waitFor();
    // refused as wrong, not taken for the duress passphrase: the data is still there
    expect(await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))).toEqual(['memo']);
    await unlock(page, NEW_PASSPHRASE);
    await heading(ko['groups.title']).waitFor();
    await groupRow().click();
    await openTab(page, 'chat');
    await message(page, FIRST).waitFor();
    await message(page, '확대해도 보낼 수 있어요').waitFor();
    await sendMessage(page, '새 암호로 보냅니다');
    await message(page, '새 암호로 보냅니다').waitFor();
  });

  it('the duress passphrase set before the change still erases everything', async () => {
    await button(page, ko['lock.button']).click();
    await heading(ko['unlock.title']).waitFor();
    await unlock(page, DURESS);
    await heading(ko['welcome.title']).waitFor();
    expect(await page.evaluate(async () => (await indexedDB.databases()).length)).toBe(0);
  });

  it('raised no page error, CSP violation or request to another origin', () => {
    expect(session.problems).toEqual([]);
  });
});
