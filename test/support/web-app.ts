// Steps a person takes in the web app, for the browser suites. Labels come
// from the Korean catalogue (the default language), so wording can change
// without breaking tests.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterEach, expect } from 'vitest';
import { NEUTRAL_URL } from '../../client/web/core/quick-exit';
import { type Catalogue, ko } from '../../client/web/i18n/ko';
import { launchChromium, PHONE } from './browser';
import { REPO_ROOT, type ServerProcess, startServer } from './server-process';
import { buildWebForTests } from './web-build';

export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'web');
export const PASSPHRASE = '민들레 홀씨 되어 날아가';

export const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

/** Form controls and buttons on the screen that a screen reader could not name. */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('input, select, textarea, button')]
      .filter((el) => {
        const named = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
        const labels = (el as HTMLInputElement).labels;
        return !named && !(labels && labels.length > 0) && !(el.tagName === 'BUTTON' && el.textContent?.trim());
      })
      .map((el) => el.outerHTML.slice(0, 80)),
  );
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  // From the top, so the sticky bar is where a person sees it in the full-page picture.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** The page title on every screen, in every language: it never names a group, a person or a message. */
export const NEUTRAL_TITLE = '메모';

/** A larger phone (390 x 844), for the screens whose pictures the issues ask at 390 px. */
export const PHONE_390 = { viewport: { width: 390, height: 844 } };

/**
 * A picture of a main screen, whose every control must have a name for screen
 * readers, under the neutral title, and nothing wider than the phone (no
 * sideways scrolling at 360 px).
 */
export async function capture(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  expect(await unlabelledControls(page), name).toEqual([]);
  expect(await page.title(), name).toBe(NEUTRAL_TITLE);
  expect(await page.evaluate(() => document.documentElement.scrollWidth), name).toBeLessThanOrEqual(
    page.viewportSize()!.width,
  );
}

/** The neutral site of quick exit, answered locally: the test machine has no internet. */
export async function stubNeutralSite(context: BrowserContext): Promise<void> {
  await context.route(`${NEUTRAL_URL}**`, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<title>날씨</title><h1>오늘 날씨</h1>' }),
  );
}

/** A test build of the app served by a real server, and Chromium with one phone per person. */
export interface WebSession {
  server: ServerProcess;
  browser: Browser;
  /** A fresh phone (its own browser context) on the app's first screen; `options` add to the phone's (e.g. a locale). */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** Uncaught errors, console errors (a CSP violation is one) and requests to any other origin: a suite expects none. */
  problems: string[];
  close(): Promise<void>;
}

// The server may start slowly while Vite builds beside other suites on two busy cores: it gets a minute.
export async function openWebSession(): Promise<WebSession> {
  const web = await buildWebForTests();
  const [server, browser] = await Promise.all([
    startServer({ env: { WEB_ROOT: web.dir }, startTimeoutMs: 60_000 }),
    launchChromium(),
  ]);
  const origin = new URL(server.url).origin;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  async function newPage(options: BrowserContextOptions = {}): Promise<Page> {
    // Korean unless a suite asks for another locale: the first screen follows the browser's language.
    const context = await browser.newContext({ ...PHONE, locale: 'ko-KR', ...options });
    context.setDefaultTimeout(15_000);
    await stubNeutralSite(context);
    // Nothing but the app's own origin is ever asked for (the quick-exit page is the one navigation away).
    context.on('request', (request) => {
      const url = new URL(request.url());
      if (/^(https?|wss?):$/.test(url.protocol) && url.origin !== origin && !request.url().startsWith(NEUTRAL_URL))
        problems.push(`third-party request: ${url.origin}`);
    });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    // An HTTP error status is logged by the browser too; those are answers (e.g. 403 after a removal), not faults.
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource'))
        problems.push(`console: ${msg.text()} at ${msg.location().url}`);
    });
    await page.goto(server.url);
    return page;
  }
  async function close(): Promise<void> {
    for (const c of contexts) await c.close().catch(() => {});
    await browser.close();
    await server.destroy();
    await web.remove();
  }
  return { server, browser, newPage, problems, close };
}

export async function fillNewPassphrase(
  page: Page,
  passphrase: string,
  label: string = ko['setup.passphrase'],
  catalogue: Catalogue = ko,
): Promise<void> {
  await page.getByLabel(label, { exact: true }).fill(passphrase);
  await page.getByLabel(catalogue['setup.passphraseConfirm'], { exact: true }).fill(passphrase);
}

/** First run, "start fresh": a new identity, then the new-group screen. */
export async function createIdentity(page: Page, displayName: string): Promise<void> {
  await button(page, ko['welcome.create']).click();
  await page.getByLabel(ko['setup.displayName']).fill(displayName);
  await fillNewPassphrase(page, PASSPHRASE);
  await button(page, ko['setup.submitCreate']).click();
  await page.getByRole('heading', { name: ko['newGroup.title'] }).waitFor();
}

export async function createGroup(page: Page, name: string): Promise<void> {
  await page.getByLabel(ko['newGroup.name']).fill(name);
  await button(page, ko['newGroup.submit']).click();
  await page.getByRole('heading', { name: ko['requests.title'] }).waitFor();
}

/** In the admin tab: a new invite for a role; returns the link shown. */
export async function createInvite(page: Page, role: 'member' | 'facilitator', label: string): Promise<string> {
  await page.getByLabel(ko['invite.role']).selectOption(role);
  await page.getByLabel(ko['invite.label']).fill(label);
  const shown = page.getByTestId('invite-link');
  // Links of earlier invites stay on screen until closed: wait for the new one.
  let fresh = shown;
  for (const earlier of await shown.allTextContents()) fresh = fresh.filter({ hasNotText: earlier.trim() });
  await button(page, ko['invite.create']).click();
  return (await fresh.first().textContent({ timeout: 15_000 }))!.trim();
}

/** Opens an invite link on a fresh device and files the join request (in Korean, or the phone's language). */
export async function joinWithLink(
  page: Page,
  link: string,
  displayName: string,
  introduction: string,
  catalogue: Catalogue = ko,
): Promise<void> {
  // A link opens as a new page load (from a messenger or the camera), not as a fragment change.
  await page.goto('about:blank');
  await page.goto(link);
  await page.getByRole('heading', { name: catalogue['setup.titleJoin'] }).waitFor();
  await page.getByLabel(catalogue['setup.displayName']).fill(displayName);
  await page.getByLabel(catalogue['join.introduction']).fill(introduction);
  await fillNewPassphrase(page, PASSPHRASE, catalogue['setup.passphrase'], catalogue);
  await button(page, catalogue['setup.submitJoin']).click();
  await page.getByRole('heading', { name: catalogue['waiting.title'] }).waitFor();
}

/** Approves the join request whose introduction is shown (the admin panel updates live). */
export async function approve(page: Page, introduction: string): Promise<void> {
  const request = page.locator('li.request', { hasText: introduction });
  await request.waitFor({ timeout: 15_000 });
  await request.getByRole('button', { name: ko['requests.approve'] }).click();
  await request.waitFor({ state: 'detached', timeout: 15_000 });
}

/**
 * The whole door, from the admin tab: an invite for the role, the newcomer
 * opens its link on her phone and asks with her introduction, the admin
 * approves, and the group opens on her phone.
 */
export async function admit(
  admin: Page,
  newcomer: Page,
  group: string,
  person: { role: 'member' | 'facilitator'; name: string; introduction: string; label?: string },
): Promise<void> {
  const link = await createInvite(admin, person.role, person.label ?? person.name);
  await joinWithLink(newcomer, link, person.name, person.introduction);
  await approve(admin, person.introduction);
  await newcomer.getByRole('heading', { name: group }).waitFor({ timeout: 20_000 });
}

export async function openTab(
  page: Page,
  tab: 'chat' | 'board' | 'members' | 'admin',
  catalogue: Catalogue = ko,
): Promise<void> {
  await page
    .getByRole('navigation', { name: catalogue['group.sections'] })
    .getByRole('button', { name: catalogue[`tab.${tab}`] })
    .click();
}

/** Types a message and sends it with the button, or with Enter from the keyboard. */
export async function sendMessage(
  page: Page,
  text: string,
  by: 'button' | 'enter' = 'button',
  catalogue: Catalogue = ko,
): Promise<void> {
  const input = page.getByLabel(catalogue['chat.compose']);
  await input.fill(text);
  if (by === 'enter') await input.press('Enter');
  else await button(page, catalogue['chat.send']).click();
}

export const message = (page: Page, text: string) => page.locator('li.msg', { hasText: text });

/** Unlocks from the lock screen, in Korean (after a reload) or in the language the open page was in. */
export async function unlock(
  page: Page,
  passphrase: string,
  catalogue: Record<'unlock.passphrase' | 'unlock.submit', string> = ko,
): Promise<void> {
  await page.getByLabel(catalogue['unlock.passphrase'], { exact: true }).fill(passphrase);
  await button(page, catalogue['unlock.submit']).click();
}

/**
 * A suite's failed step leaves a picture of every phone
 * (test-artifacts/web/failed-<suite>-<who>.png) and prints what went wrong in
 * the pages. The phones are read when a step fails (they are made in beforeAll).
 */
export function pictureFailures(
  suite: string,
  session: () => WebSession | undefined,
  phones: () => Record<string, Page | undefined>,
): void {
  afterEach(async (test) => {
    if (test.task.result?.state !== 'fail') return;
    for (const [who, page] of Object.entries(phones()))
      if (page) await screenshot(page, `failed-${suite}-${who}`).catch(() => {});
    const problems = session()?.problems ?? [];
    if (problems.length) console.error(problems.join('\n'));
  });
}
