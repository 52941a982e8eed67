// The app in the five languages of migrant members (issue 21): a first visit
// with a Vietnamese, Thai, Filipino, Russian or Chinese phone opens in that
// language and script, with the language picker on the screen; the lock screen
// follows the phone's language and can be switched there (in memory only,
// until her sealed choice applies at unlock); and a Thai and a Russian woman
// join by link, chat and read the board at 390 px. Screenshots go to
// test-artifacts/web/ (lang-*.png).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUES, type Language } from '../../client/web/i18n';
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
  sendMessage,
  unlock,
  type WebSession,
  pictureFailures,
  PHONE_390,
} from '../support/web-app';

const GROUP = '이웃 모임';

/** A phone locale for each language, and the script its first screen must be written in. */
const FIRST_VISITS: { language: Exclude<Language, 'ko' | 'en'>; locale: string; script: RegExp }[] = [
  { language: 'vi', locale: 'vi-VN', script: /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i },
  { language: 'th', locale: 'th-TH', script: /\p{Script=Thai}/u },
  { language: 'fil', locale: 'fil-PH', script: /^[\p{Script=Latin}\s()\-–,.]+$/u },
  { language: 'ru', locale: 'ru-RU', script: /\p{Script=Cyrillic}/u },
  { language: 'zh-Hans', locale: 'zh-CN', script: /\p{Script=Han}/u },
];

let session: WebSession;
let admin: Page;
const joined: Partial<Record<'th' | 'ru', Page>> = {};

beforeAll(async () => {
  session = await openWebSession();
  admin = await session.newPage();
  await createIdentity(admin, '관리자');
  await createGroup(admin, GROUP);
}, 120_000);

pictureFailures(
  'lang',
  () => session,
  () => ({ admin, ...joined }),
);

afterAll(async () => {
  await session?.close();
});

describe('a first visit in the browser’s language', () => {
  it('opens the first screen in Vietnamese, Thai, Filipino, Russian and Chinese, with lang set and the picker shown', async () => {
    for (const { language, locale, script } of FIRST_VISITS) {
      const catalogue = CATALOGUES[language];
      const page = await session.newPage({ locale });
      const heading = page.getByRole('heading', { name: catalogue['welcome.title'] });
      await heading.waitFor();
      expect(await page.evaluate(() => document.documentElement.lang), locale).toBe(language);
      expect(await page.getByText(catalogue['welcome.intro']).isVisible(), locale).toBe(true);
      expect(await button(page, catalogue['welcome.join']).textContent(), locale).toMatch(script);
      // The picker, at the top of the screen, names each language in itself.
      const picker = page.getByLabel(catalogue['settings.language']);
      expect(await picker.isVisible(), locale).toBe(true);
      expect(await picker.inputValue(), locale).toBe(language);
      await capture(page, `lang-${language}-welcome`);
      await page.context().close();
    }
    expect(session.problems).toEqual([]);
  });
});

describe('a Thai and a Russian member, at 390 px', () => {
  for (const language of ['th', 'ru'] as const) {
    const catalogue = CATALOGUES[language];
    const introduction = language === 'th' ? 'ศูนย์ช่วยเหลือแนะนำมา' : 'Меня направил центр помощи';

    it(`${language}: joins by link in her language (picker on the join screen) and is approved`, async () => {
      await openTab(admin, 'admin');
      const link = await createInvite(admin, 'member', `${language} 소개`);
      const page = await session.newPage({ locale: language === 'th' ? 'th-TH' : 'ru-RU', ...PHONE_390 });
      joined[language] = page;
      // A link opens as a new page load (as from a messenger), not as a fragment change.
      await page.goto('about:blank');
      await page.goto(link);
      await page.getByRole('heading', { name: catalogue['setup.titleJoin'] }).waitFor();
      expect(await page.getByLabel(catalogue['settings.language']).isVisible()).toBe(true);
      await capture(page, `lang-${language}-join`);
      await joinWithLink(page, link, language === 'th' ? 'มะลิ' : 'Вера', introduction, catalogue);
      await capture(page, `lang-${language}-waiting`);
      await approve(admin, introduction);
      await page.getByRole('heading', { name: GROUP }).waitFor({ timeout: 20_000 });
    });

    it(`${language}: chats with the admin and reads the board in her language`, async () => {
      const page = joined[language]!;
      const hello = language === 'th' ? 'สวัสดีค่ะ' : 'Здравствуйте';
      await sendMessage(page, hello, 'button', catalogue);
      await message(page, hello).getByText(catalogue['chat.state.stored']).waitFor({ timeout: 15_000 });
      await openTab(admin, 'chat');
      await message(admin, hello).waitFor({ timeout: 15_000 });
      await sendMessage(admin, `${language} 환영해요`);
      await message(page, `${language} 환영해요`).waitFor({ timeout: 15_000 });
      expect(await message(page, `${language} 환영해요`).locator('.badge').textContent()).toBe(catalogue['role.admin']);
      await capture(page, `lang-${language}-chat`);

      await openTab(admin, 'board');
      await admin.getByLabel(ko['board.compose']).fill(`${language} 상담 안내: 목요일 2시`);
      await button(admin, ko['board.post']).click();
      await openTab(page, 'board', catalogue);
      await page.locator('li.bulletin', { hasText: `${language} 상담 안내` }).waitFor({ timeout: 15_000 });
      await page.getByText(catalogue['board.readOnly']).waitFor();
      await capture(page, `lang-${language}-board`);
    });
  }

  it('the lock screen follows the phone’s language after a reload, switches there in memory only, and her choice applies at unlock', async () => {
    const page = joined.th!;
    await page.reload();
    await page.getByRole('heading', { name: CATALOGUES.th['unlock.title'] }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('th');
    await capture(page, 'lang-th-lock');
    // Switched to Russian on the lock screen: words and lang change, nothing is written in clear.
    await page.getByLabel(CATALOGUES.th['settings.language']).selectOption('ru');
    await page.getByRole('heading', { name: CATALOGUES.ru['unlock.title'] }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ru');
    expect(await page.evaluate(() => localStorage.length + sessionStorage.length + document.cookie.length)).toBe(0);
    await unlock(page, PASSPHRASE, CATALOGUES.ru);
    // The language sealed at setup (Thai, her phone's) is back once the vault is open.
    await page.getByRole('heading', { name: CATALOGUES.th['groups.title'] }).waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('th');
    expect(await page.title()).toBe('메모');
    expect(session.problems).toEqual([]);
  });
});
