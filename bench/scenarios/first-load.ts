// The web app's first load on a phone: the production build served by the
// real relay, opened in Chromium over a slow-4G link (lib/slow-link.ts) with
// the page's CPU slowed 4x. A fresh phone opens the app (first visit), then
// opens it again later with the service worker in charge (repeat visit). For
// each: the bytes received (and what the same answers would have been
// uncompressed) and the time from navigation until the first screen is usable:
// its main button ("join with an invite code") shown and enabled.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { ko } from '../../client/web/i18n/ko';
import { CHROMIUM_FLAGS, chromiumPath, PHONE } from '../../test/support/browser';
import { startServer } from '../../test/support/server-process';
import { buildWebForTests } from '../../test/support/web-build';
import { pinned, pinTo, SERVER_CPU } from '../lib/processes';
import { type LinkProfile, SLOW_4G, type SlowLink, startSlowLink } from '../lib/slow-link';
import { median } from '../lib/stats';

export const CPU_SLOWDOWN = 4;

export interface VisitFigures {
  /** navigation start to the first screen's main button shown and enabled */
  usableMs: number;
  /** bytes received until the visit went quiet (first visit: the service worker installed and in charge) */
  bytes: number;
  /** the same visit with every response uncompressed */
  uncompressedBytes: number;
  /** bytes received by the time the screen was usable */
  bytesAtUsable: number;
  requests: number;
  /** the page was controlled by the service worker when it became usable */
  controlled: boolean;
}

export interface FirstLoadResult {
  profile: LinkProfile;
  cpuSlowdown: number;
  /** the median round by time to usable */
  first: VisitFigures;
  repeat: VisitFigures;
  firstRoundsMs: number[];
  repeatRoundsMs: number[];
}

/** The first screen's main button is there and can be pressed: the time since navigation start, in the page's clock. */
async function usableAt(page: Page): Promise<{ ms: number; controlled: boolean }> {
  const handle = await page.waitForFunction(
    (label) => {
      const main = [...document.querySelectorAll('button')].find((b) => b.textContent === label);
      if (!main || main.disabled || !main.checkVisibility()) return false;
      return { ms: performance.now(), controlled: navigator.serviceWorker.controller !== null };
    },
    ko['welcome.join'],
    { polling: 'raf', timeout: 60_000 },
  );
  return handle.jsonValue() as Promise<{ ms: number; controlled: boolean }>;
}

/** Undone compression: the bytes on the link, with each response body counted at its decoded size. */
function uncompressed(link: SlowLink): number {
  return link.responses.reduce((n, r) => n + r.decodedBytes - r.bodyBytes, link.down);
}

async function visit(page: Page, url: string, link: SlowLink, settle: (page: Page) => Promise<void>) {
  link.dropConnections();
  await link.quiet(100);
  link.reset();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  await page.goto(url, { waitUntil: 'commit', timeout: 60_000 });
  const usable = await usableAt(page);
  const bytesAtUsable = link.down;
  await settle(page);
  await link.quiet(500);
  await cdp.detach();
  return {
    usableMs: usable.ms,
    bytes: link.down,
    uncompressedBytes: uncompressed(link),
    bytesAtUsable,
    requests: link.responses.length,
    controlled: usable.controlled,
  } satisfies VisitFigures;
}

/** The service worker installed (its app shell cached) and controlling the page. */
async function serviceWorkerInCharge(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller) return;
    await new Promise((resolve) =>
      navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }),
    );
  });
}

async function round(browser: Browser, link: SlowLink): Promise<{ first: VisitFigures; repeat: VisitFigures }> {
  const context = await browser.newContext({ ...PHONE, locale: 'ko-KR' });
  try {
    const firstPage = await context.newPage();
    const first = await visit(firstPage, link.url, link, serviceWorkerInCharge);
    await firstPage.close();
    const repeat = await visit(await context.newPage(), link.url, link, async () => {});
    return { first, repeat };
  } finally {
    await context.close();
  }
}

/**
 * Chromium on every core, even when the benchmark runs pinned to one: a phone
 * has several, and its slowness is the CPU throttle. Squeezed onto one shared
 * core, Chromium's own processes (browser, network, service worker, page) would
 * wait on each other and the figures would say more about this machine.
 */
async function launchPhoneBrowser(dir: string): Promise<Browser> {
  let executablePath = chromiumPath();
  if (pinned()) {
    const wrapper = path.join(dir, 'chromium-on-every-core');
    const cores = `0-${os.cpus().length - 1}`;
    await writeFile(wrapper, `#!/bin/sh\nexec taskset -c ${cores} ${JSON.stringify(executablePath)} "$@"\n`);
    await chmod(wrapper, 0o755);
    executablePath = wrapper;
  }
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS });
}

export async function runFirstLoad(rounds: number, profile: LinkProfile = SLOW_4G): Promise<FirstLoadResult> {
  const web = await buildWebForTests('production');
  const relay = await startServer({ env: { WEB_ROOT: web.dir }, launcher: pinTo(SERVER_CPU) });
  const link = await startSlowLink(relay.port, profile);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mindeulle-first-load-'));
  const browser = await launchPhoneBrowser(dir);
  try {
    const results = [];
    for (let i = 0; i < rounds; i++) results.push(await round(browser, link));
    return {
      profile,
      cpuSlowdown: CPU_SLOWDOWN,
      first: median(results, (r) => r.first.usableMs).first,
      repeat: median(results, (r) => r.repeat.usableMs).repeat,
      firstRoundsMs: results.map((r) => r.first.usableMs),
      repeatRoundsMs: results.map((r) => r.repeat.usableMs),
    };
  } finally {
    await browser.close();
    await link.close();
    await relay.destroy();
    await web.remove();
    await rm(dir, { recursive: true, force: true });
  }
}
