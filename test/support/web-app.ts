// Steps a person takes in the web app, for the browser suites. Labels come
// from the Korean catalogue (the default language), so wording can change
// without breaking tests.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { NEUTRAL_URL } from '../../client/web/core/quick-exit';
import { ko } from '../../client/web/i18n/ko';
import { REPO_ROOT } from './server-process';

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

/** The neutral site of quick exit, answered locally: the test machine has no internet. */
export async function stubNeutralSite(context: BrowserContext): Promise<void> {
  await context.route(`${NEUTRAL_URL}**`, (route) => route.fulfill({ contentType: 'text/html', body: '<title>날씨</title><h1>오늘 날씨</h1>' }));
}

export async function fillNewPassphrase(page: Page, passphrase: string, label: string = ko['setup.passphrase']): Promise<void> {
  await page.getByLabel(label, { exact: true }).fill(passphrase);
  await page.getByLabel(ko['setup.passphraseConfirm'], { exact: true }).fill(passphrase);
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
  await button(page, ko['invite.create']).click();
  return (await page.getByTestId('invite-link').textContent({ timeout: 15_000 }))!.trim();
}

/** Opens an invite link on a fresh device and files the join request. */
export async function joinWithLink(page: Page, link: string, displayName: string, introduction: string): Promise<void> {
  // A link opens as a new page load (from a messenger or the camera), not as a fragment change.
  await page.goto('about:blank');
  await page.goto(link);
  await page.getByRole('heading', { name: ko['setup.titleJoin'] }).waitFor();
  await page.getByLabel(ko['setup.displayName']).fill(displayName);
  await page.getByLabel(ko['join.introduction']).fill(introduction);
  await fillNewPassphrase(page, PASSPHRASE);
  await button(page, ko['setup.submitJoin']).click();
  await page.getByRole('heading', { name: ko['waiting.title'] }).waitFor();
}

/** Approves the join request whose introduction is shown (the admin panel updates live). */
export async function approve(page: Page, introduction: string): Promise<void> {
  const request = page.locator('li.request', { hasText: introduction });
  await request.waitFor({ timeout: 15_000 });
  await request.getByRole('button', { name: ko['requests.approve'] }).click();
  await request.waitFor({ state: 'detached', timeout: 15_000 });
}

export async function openTab(page: Page, tab: 'chat' | 'board' | 'members' | 'admin'): Promise<void> {
  await page.getByRole('navigation', { name: ko['group.sections'] }).getByRole('button', { name: ko[`tab.${tab}`] }).click();
}

/** Types a message and sends it with the button, or with Enter from the keyboard. */
export async function sendMessage(page: Page, text: string, by: 'button' | 'enter' = 'button'): Promise<void> {
  const input = page.getByLabel(ko['chat.compose']);
  await input.fill(text);
  if (by === 'enter') await input.press('Enter');
  else await button(page, ko['chat.send']).click();
}

export const message = (page: Page, text: string) => page.locator('li.msg', { hasText: text });

export async function unlock(page: Page, passphrase: string): Promise<void> {
  await page.getByLabel(ko['unlock.passphrase'], { exact: true }).fill(passphrase);
  await button(page, ko['unlock.submit']).click();
}
