// The web app in real Chromium against a real server: an admin creates a
// group and invites; a survivor joins with the link and is approved; they chat
// live both ways; a facilitator posts a pinned bulletin the survivor reads but
// cannot answer; quick exit (button, Escape twice); auto-lock; the duress
// passphrase wipes; Korean by default, English on request. Screenshots of each
// main screen go to test-artifacts/web/.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEUTRAL_URL } from '../../client/web/core/quick-exit';
import { en } from '../../client/web/i18n/en';
import { type Catalogue, ko } from '../../client/web/i18n/ko';
import { withDb } from '../support/db-tamper';
import {
  approve,
  button,
  capture,
  createGroup,
  createIdentity,
  createInvite,
  fillNewPassphrase,
  joinWithLink,
  message,
  NEUTRAL_TITLE,
  openTab,
  openWebSession,
  PASSPHRASE,
  sendMessage,
  unlock,
  type WebSession,
  pictureFailures,
} from '../support/web-app';

const GROUP = '뭉치 모임';
const DURESS = '비상시에 쓰는 다른 암호';
const DRAFT = '아직 보내지 않은 글';

let session: WebSession;
/** Uncaught errors and console errors (a CSP violation is one): none may happen. */
let problems: string[];
let server: WebSession['server'];
let admin: Page;
let survivor: Page;
let facilitator: Page;

beforeAll(async () => {
  session = await openWebSession();
  ({ server, problems } = session);
  [admin, survivor, facilitator] = await Promise.all([session.newPage(), session.newPage(), session.newPage()]);
}, 90_000);

pictureFailures(
  'web-app',
  () => session,
  () => ({ admin, survivor, facilitator }),
);

afterAll(async () => {
  await session?.close();
});

describe('first run, invites and joining', () => {
  it('opens in Korean with the quick-exit button visible', async () => {
    expect(await admin.locator('html').getAttribute('lang')).toBe('ko');
    await admin.getByRole('heading', { name: ko['welcome.title'] }).waitFor();
    expect(await admin.getByTestId('quick-exit').isVisible()).toBe(true);
    expect(await admin.title()).toBe(NEUTRAL_TITLE);
    await capture(admin, '01-welcome');
  });

  it('shows passphrase strength and refuses a weak one', async () => {
    await button(admin, ko['welcome.create']).click();
    await fillNewPassphrase(admin, 'abc12345');
    expect(await admin.locator('.strength').getAttribute('data-level')).toBe('weak');
    await button(admin, ko['setup.submitCreate']).click();
    await admin.getByRole('alert').getByText(ko['setup.tooWeak']).waitFor();
    await fillNewPassphrase(admin, PASSPHRASE);
    expect(await admin.locator('.strength').getAttribute('data-level')).toBe('strong');
    // The complaint goes once she types again.
    expect(await admin.getByText(ko['setup.tooWeak']).count()).toBe(0);
    await capture(admin, '02-setup');
    await button(admin, ko['nav.back']).click();
  });

  let memberLink: string;
  it('an admin creates an identity, a group and an invite shown as code, link and QR', async () => {
    await createIdentity(admin, '관리자');
    await createGroup(admin, GROUP);
    memberLink = await createInvite(admin, 'member', '상담소 소개');
    const url = new URL(memberLink);
    // The code travels in the fragment only: never in the path or the query.
    expect(url.pathname).toBe('/');
    expect(url.search).toBe('');
    // Beside it, the group's genesis hash: the joining app refuses any other group.
    expect(url.hash).toMatch(/^#join=[0-9A-Z-]{34}&g=[A-Za-z0-9_-]{43}$/);
    expect(await admin.getByTestId('invite-code').textContent()).toBe(
      new URLSearchParams(url.hash.slice(1)).get('join'),
    );
    expect(await admin.locator('.invite-result svg.qr path').getAttribute('d')).toMatch(/^M/);
    await capture(admin, '03-admin-invite');
  });

  it('a survivor opens the link, the code leaves the address bar, and she waits for approval', async () => {
    await joinWithLink(survivor, memberLink, '들꽃', '상담소에서 소개받았어요');
    expect(new URL(survivor.url()).hash).toBe('');
    await capture(survivor, '04-waiting');
  });

  it('the admin sees the request with the invite used and a safety number, and approves', async () => {
    const request = admin.locator('li.request', { hasText: '상담소에서 소개받았어요' });
    await request.waitFor({ timeout: 15_000 });
    expect(await request.textContent()).toContain('상담소 소개');
    expect((await request.locator('.safety-digits').textContent())!.replace(/\D/g, '')).toMatch(/^\d{60}$/);
    await capture(admin, '05-join-request');
    await approve(admin, '상담소에서 소개받았어요');
  });

  it('the group opens by itself on the survivor’s phone', async () => {
    await survivor.getByRole('heading', { name: GROUP }).waitFor({ timeout: 20_000 });
    await survivor.getByLabel(ko['chat.compose']).waitFor();
    // joined from the link: the group is the one the invite named, so no "not verified" warning
    expect(await survivor.getByTestId('not-verified').count()).toBe(0);
  });
});

describe('chat', () => {
  it('delivers live both ways, with send state and the sender’s role', async () => {
    await openTab(admin, 'chat');
    await sendMessage(survivor, '안녕하세요, 처음 왔어요');
    const mine = message(survivor, '안녕하세요, 처음 왔어요');
    await mine.getByText(ko['chat.state.stored']).waitFor({ timeout: 15_000 });
    const received = message(admin, '안녕하세요, 처음 왔어요');
    await received.waitFor({ timeout: 15_000 });
    // The name comes in her encrypted profile message, which may arrive just after.
    await received.locator('.sender', { hasText: '들꽃' }).waitFor();
    expect(await received.locator('.badge').textContent()).toBe(ko['role.member']);

    await sendMessage(admin, '환영합니다!', 'enter');
    const reply = message(survivor, '환영합니다!');
    await reply.waitFor({ timeout: 15_000 });
    expect(await reply.locator('.badge').textContent()).toBe(ko['role.admin']);
    expect(await reply.locator('.warning').count()).toBe(0);
    await capture(survivor, '06-chat');
  });

  it('shows unread counts in the group list, and keeps an unsent draft', async () => {
    await survivor.getByLabel(ko['chat.compose']).fill(DRAFT);
    await button(survivor, ko['nav.back']).click();
    await survivor.getByRole('heading', { name: ko['groups.title'] }).waitFor();
    await sendMessage(admin, '오늘 모임은 7시예요');
    await survivor.getByLabel(ko['groups.unread'].replace('{count}', '1')).waitFor({ timeout: 15_000 });
    await capture(survivor, '07-groups');
    await survivor.getByRole('button', { name: new RegExp(GROUP) }).click();
    await message(survivor, '오늘 모임은 7시예요').waitFor();
    expect(await survivor.getByLabel(ko['chat.compose']).inputValue()).toBe(DRAFT);
  });
});

describe('bulletin board', () => {
  it('a facilitator joins with a facilitator invite and posts a pinned bulletin', async () => {
    await openTab(admin, 'admin');
    const link = await createInvite(admin, 'facilitator', '활동가용');
    await createIdentityAndJoin(facilitator, link);
    await approve(admin, '활동가입니다');
    await facilitator.getByRole('heading', { name: GROUP }).waitFor({ timeout: 20_000 });
    await openTab(facilitator, 'board');
    await facilitator.getByLabel(ko['board.compose']).fill('법률 상담: 매주 목요일 2시');
    await facilitator.getByLabel(ko['board.pinOnPost']).check();
    await button(facilitator, ko['board.post']).click();
    await facilitator.locator('li.bulletin.pinned', { hasText: '법률 상담' }).waitFor({ timeout: 15_000 });
    await capture(facilitator, '08-board-facilitator');
  });

  it('rotating revokes the active invites; one can also be revoked by itself', async () => {
    await createInvite(admin, 'member', '임시 초대');
    await admin.getByLabel(ko['invite.label']).fill('새 초대');
    // it revokes every active invite, so it asks first
    await button(admin, ko['invite.rotate']).click();
    await button(admin, ko['invite.rotateConfirm']).click();
    await admin.getByText(ko['invite.revokedCount'].replace('{count}', '1')).waitFor();
    const old = admin.locator('li.invite', { hasText: '임시 초대' });
    // folded under the past invites
    await old.getByText(ko['invite.statusRevoked']).waitFor({ state: 'attached' });
    await admin.locator('details.past-invites summary').click();
    await old.getByText(ko['invite.statusRevoked']).waitFor();
    expect(await old.getByRole('button').count()).toBe(0);
    const active = admin.locator('li.invite', { hasText: ko['invite.statusActive'] });
    expect(await active.count()).toBe(1);
    expect(await active.textContent()).toContain('새 초대');
    await active.getByRole('button', { name: ko['invite.revoke'] }).click();
    await admin.locator('li.invite', { hasText: ko['invite.statusActive'] }).waitFor({ state: 'detached' });
  });

  it('the survivor sees it pinned, with the facilitator’s role, and cannot answer on the board', async () => {
    await openTab(survivor, 'board');
    const bulletin = survivor.locator('li.bulletin', { hasText: '법률 상담: 매주 목요일 2시' });
    await bulletin.waitFor({ timeout: 15_000 });
    expect(await bulletin.getAttribute('class')).toContain('pinned');
    expect(await bulletin.locator('.badge.role-facilitator').textContent()).toBe(ko['role.facilitator']);
    expect(await survivor.locator('.board textarea, .board form, .board input').count()).toBe(0);
    expect(await bulletin.getByRole('button').count()).toBe(0);
    await survivor.getByText(ko['board.readOnly']).waitFor();
    await capture(survivor, '09-board-member');
  });
});

describe('safety number and settings', () => {
  it('shows the same safety number (digits and QR) on both phones', async () => {
    await openTab(admin, 'members');
    await admin.locator('li.member', { hasText: '들꽃' }).getByRole('button', { name: ko['members.safety'] }).click();
    await admin.getByRole('heading', { name: ko['safety.title'] }).waitFor();
    const adminDigits = await admin.locator('.safety-digits').textContent();
    await capture(admin, '10-safety');

    await openTab(survivor, 'members');
    await survivor
      .locator('li.member', { hasText: '관리자' })
      .getByRole('button', { name: ko['members.safety'] })
      .click();
    expect(await survivor.locator('.safety-digits').textContent()).toBe(adminDigits);
    expect(adminDigits!.replace(/\D/g, '')).toHaveLength(60);
  });

  it('the admin changes a role and removes a member', async () => {
    await button(admin, ko['nav.back']).click();
    const member = admin.locator('li.member', { hasText: '활동가 민' });
    await member.waitFor();
    await capture(admin, '14-members');
    await member.getByLabel(ko['members.roleOf'].replace('{name}', '활동가 민')).selectOption('member');
    await member.getByRole('button', { name: ko['members.setRole'] }).click();
    await admin.locator('li.member', { hasText: '활동가 민' }).locator('.badge.role-member').waitFor();
    await admin
      .locator('li.member', { hasText: '활동가 민' })
      .getByRole('button', { name: ko['members.remove'] })
      .click();
    await admin.getByRole('button', { name: ko['members.removeConfirm'].replace('{name}', '활동가 민') }).click();
    await admin.locator('li.member', { hasText: '활동가 민' }).waitFor({ state: 'detached' });
    expect(await admin.locator('li.member').count()).toBe(2);
  });

  it('the main screens at 390 px, in Korean', async () => {
    await captureMainScreens(admin, ko, 'ko');
  });

  it('switches to English', async () => {
    await button(admin, ko['nav.back']).click();
    await button(admin, ko['settings.title']).click();
    await admin.getByLabel(ko['settings.language']).selectOption('en');
    await admin.getByRole('heading', { name: en['settings.title'] }).waitFor();
    expect(await admin.locator('html').getAttribute('lang')).toBe('en');
    expect(await admin.getByTestId('quick-exit').textContent()).toBe(en['exit.button']);
    await capture(admin, '11-settings-en');
  });

  it('the main screens at 390 px, in English', async () => {
    await captureMainScreens(admin, en, 'en');
  });

  it('sets a group’s retention from Settings (the groups she administers are listed there)', async () => {
    const row = admin.locator('.settings .row', { hasText: GROUP });
    await row.getByLabel(GROUP).selectOption(String(7 * 24 * 3600));
    await row.getByRole('button', { name: en['settings.save'] }).click();
    await admin.getByRole('status').filter({ hasText: en['admin.saved'] }).waitFor({ state: 'attached' });
    // The signed settings commit reached the relay, which caches the retention beside the group.
    expect(withDb(server.dbPath, (db) => db.prepare('SELECT retention_seconds AS r FROM groups').get())).toEqual({
      r: 7 * 24 * 3600,
    });
  });
});

describe('device safety', () => {
  it('keeps nothing readable outside the sealed IndexedDB', async () => {
    const found = await survivor.evaluate(
      async (needles: string[]) => {
        const dump: string[] = [];
        let header: unknown = null;
        for (const info of await indexedDB.databases()) {
          const db = await new Promise<IDBDatabase>((ok, fail) => {
            const r = indexedDB.open(info.name!);
            r.onsuccess = () => ok(r.result);
            r.onerror = () => fail(r.error);
          });
          for (const name of db.objectStoreNames) {
            const values = await new Promise<unknown[]>((ok) => {
              const r = db.transaction(name).objectStore(name).getAll();
              r.onsuccess = () => ok(r.result);
            });
            for (const v of values)
              dump.push(v instanceof Uint8Array ? new TextDecoder().decode(v) : JSON.stringify(v));
            if (name === 'app') {
              const r = db.transaction(name).objectStore(name).get('header');
              header = await new Promise(
                (ok) => (r.onsuccess = () => ok(JSON.parse(new TextDecoder().decode(r.result as Uint8Array)))),
              );
            }
          }
          db.close();
        }
        const cached: string[] = [];
        for (const name of await caches.keys())
          for (const req of await (await caches.open(name)).keys()) cached.push(new URL(req.url).pathname);
        return {
          header,
          storageEntries: localStorage.length + sessionStorage.length,
          hits: needles.filter((n) => dump.some((d) => d.includes(n))),
          values: dump.length,
          cached,
        };
      },
      ['안녕하세요', '환영합니다', '법률 상담', DRAFT, GROUP, '들꽃', '관리자', PASSPHRASE],
    );
    expect(found.values).toBeGreaterThan(5);
    // The e2e build's minimum Argon2id cost (client/web/core/kdf-params.ts), stored in clear beside the salt.
    expect(found.header).toMatchObject({ v: 1, opslimit: 1, memlimit: 8192 });
    expect(found.hits).toEqual([]);
    expect(found.storageEntries).toBe(0);
    // The service worker is installed and holds the app shell, and nothing from the API.
    expect(found.cached).toContain('/');
    expect(found.cached.every((p) => !p.startsWith('/v1/'))).toBe(true);
  });

  it('quick exit by the button replaces the page; Back does not return; the app is locked', async () => {
    await survivor.getByRole('heading', { name: ko['safety.title'] }).waitFor();
    await survivor.getByTestId('quick-exit').click();
    await survivor.waitForURL(`${NEUTRAL_URL}**`);
    await survivor.goBack().catch(() => null);
    expect(survivor.url().startsWith(server.url)).toBe(false);
    await survivor.goto(server.url);
    await survivor.getByRole('heading', { name: ko['unlock.title'] }).waitFor();
    await capture(survivor, '12-unlock');
  });

  it('quick exit by pressing Escape twice', async () => {
    await facilitator.keyboard.press('Escape');
    await facilitator.keyboard.press('Escape');
    await facilitator.waitForURL(`${NEUTRAL_URL}**`);
    await facilitator.goto(server.url);
    await facilitator.getByRole('heading', { name: ko['unlock.title'] }).waitFor();
  });

  it('a wrong passphrase is refused; the right one unlocks', async () => {
    await unlock(survivor, '틀린 암호입니다 정말로');
    await survivor.getByRole('alert').getByText(ko['unlock.wrong']).waitFor();
    await unlock(survivor, PASSPHRASE);
    await survivor.getByRole('heading', { name: ko['groups.title'] }).waitFor();
  });

  it('locks by itself after the inactivity timeout (5 minutes by default)', async () => {
    const page = await admin.context().newPage();
    await page.clock.install();
    await page.goto(server.url);
    await unlock(page, PASSPHRASE);
    // The admin chose English earlier: it is in her sealed settings.
    await page.getByRole('heading', { name: en['groups.title'] }).waitFor();
    await page.clock.fastForward('04:00');
    expect(await page.getByRole('heading', { name: en['groups.title'] }).isVisible()).toBe(true);
    await page.clock.fastForward('02:00');
    await page.getByRole('heading', { name: en['unlock.title'] }).waitFor();

    // A shorter timeout chosen in Settings takes effect at once.
    await unlock(page, PASSPHRASE, en);
    await page.getByRole('button', { name: en['settings.title'], exact: true }).click();
    await page.getByLabel(en['settings.lockAfter']).selectOption('1');
    await page.getByRole('status').filter({ hasText: en['settings.saved'] }).waitFor({ state: 'attached' });
    await page.clock.fastForward('00:50');
    expect(await page.getByRole('heading', { name: en['settings.title'] }).isVisible()).toBe(true);
    await page.clock.fastForward('00:20');
    await page.getByRole('heading', { name: en['unlock.title'] }).waitFor();
    await page.close();
  });

  it('wiping this device from Settings (asked twice) leaves an app like a new install', async () => {
    await unlock(facilitator, PASSPHRASE);
    await button(facilitator, ko['settings.title']).click();
    await button(facilitator, ko['settings.wipe']).click();
    // The first press only asks again.
    expect(await facilitator.getByRole('heading', { name: ko['settings.title'] }).isVisible()).toBe(true);
    await button(facilitator, ko['settings.wipeConfirm']).click();
    await facilitator.getByRole('heading', { name: ko['welcome.title'] }).waitFor();
    expect(await facilitator.evaluate(async () => (await indexedDB.databases()).length)).toBe(0);
  });

  it('the duress passphrase erases everything and opens an app like a new install; the locked screen before it does not tell that one is set', async () => {
    await button(survivor, ko['settings.title']).click();
    // Until push exists, notifications come only from an unlocked app: the settings say so.
    await survivor.getByText(ko['settings.notificationsHint']).waitFor();
    expect(ko['settings.notificationsHint']).toContain('잠겨 있는 동안에는 알림이 오지 않습니다');
    await capture(survivor, '15-settings');
    await fillNewPassphrase(survivor, DURESS, ko['settings.duressPassphrase']);
    await button(survivor, ko['settings.duressSave']).click();
    await survivor.getByRole('status').filter({ hasText: ko['settings.duressSet'] }).waitFor({ state: 'attached' });
    await button(survivor, ko['lock.button']).click();
    // Whoever holds the locked phone, or its screen reader, finds no trace of what was said before the lock.
    await survivor.getByRole('heading', { name: ko['unlock.title'] }).waitFor();
    await new Promise((r) => setTimeout(r, 100)); // past the live region's 50 ms re-announce tick
    const dom = await survivor.content();
    for (const said of [ko['settings.duressSet'], ko['settings.saved'], 'duress', '비상'])
      expect(dom).not.toContain(said);
    expect(await survivor.locator('[role=status]').textContent()).toBe('');
    await unlock(survivor, DURESS);
    await survivor.getByRole('heading', { name: ko['welcome.title'] }).waitFor();
    const state = await survivor.evaluate(async () => ({
      databases: (await indexedDB.databases()).map((d) => d.name),
      storage: localStorage.length + sessionStorage.length,
    }));
    expect(state).toEqual({ databases: [], storage: 0 });
    await capture(survivor, '13-after-duress');
  });
});

describe('keyboard', () => {
  it('the first screen works from the keyboard alone, and the new screen’s title takes the focus', async () => {
    const focused = () => survivor.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    for (let i = 0; i < 10 && (await focused()) !== ko['welcome.create']; i++) await survivor.keyboard.press('Tab');
    expect(await focused()).toBe(ko['welcome.create']);
    await survivor.keyboard.press('Enter');
    await survivor.getByRole('heading', { name: ko['setup.titleCreate'] }).waitFor();
    expect(await survivor.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await survivor.keyboard.press('Tab');
    expect(await survivor.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe(
      'display-name',
    );
  });
});

async function createIdentityAndJoin(page: Page, link: string): Promise<void> {
  await joinWithLink(page, link, '활동가 민', '활동가입니다');
}

describe('the whole session', () => {
  it('raised no page error and no Content-Security-Policy violation', () => {
    expect(problems).toEqual([]);
  });
});

/**
 * The group list, each tab of the group and Settings, as an admin sees them on a
 * 390 px phone: pictures in test-artifacts/web/390-<lang>-*.png, each checked by
 * capture() (named controls, neutral title, no sideways scroll). Starts and ends
 * on Settings or the group list; the phone goes back to 360 px afterwards.
 */
async function captureMainScreens(page: Page, t: Catalogue, lang: string): Promise<void> {
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    while (!(await page.getByRole('heading', { name: t['groups.title'] }).isVisible())) {
      await button(page, t['nav.back']).click();
    }
    await capture(page, `390-${lang}-groups`);
    await page.getByRole('button', { name: new RegExp(GROUP) }).click();
    await page.getByRole('heading', { name: GROUP }).waitFor();
    const tabs = page.getByRole('navigation', { name: t['group.sections'] });
    for (const tab of ['chat', 'board', 'members', 'admin'] as const) {
      await tabs.getByRole('button', { name: t[`tab.${tab}`] }).click();
      await capture(page, `390-${lang}-${tab}`);
    }
    await button(page, t['nav.back']).click();
    await button(page, t['settings.title']).click();
    await page.getByRole('heading', { name: t['settings.title'] }).waitFor();
    await capture(page, `390-${lang}-settings`);
  } finally {
    await page.setViewportSize({ width: 360, height: 740 });
  }
}
