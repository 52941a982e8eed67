// Content-free push in the web app, in real Chromium against a real server:
// Settings offer notifications while the app is closed, off by default, with
// a hint of what a push service learns (this test relay has push off: the
// switch is disabled and a line says so); the real service worker, sent a push through the
// DevTools protocol while the app sits locked, raises the one fixed neutral
// notice (title 메모, fixed body, one tag) and nothing else; tapping it
// brings a window left unlocked forward at its lock screen.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ko } from '../../client/web/i18n/ko';
import { NOTICE_TAG } from '../../client/web/core/push-notice';
import {
  button,
  capture,
  createIdentity,
  openWebSession,
  PASSPHRASE,
  unlock,
  type WebSession,
} from '../support/web-app';

let session: WebSession;
let phone: Page;

interface ShownNotice {
  title: string;
  body: string;
  tag: string;
  data: unknown;
}

/** The notifications the service worker is showing now. */
const shownNotices = (page: Page): Promise<ShownNotice[]> =>
  page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return (await registration.getNotifications()).map((n) => ({
      title: n.title,
      body: n.body,
      tag: n.tag,
      data: n.data,
    }));
  });

/** Sends an empty push to the page's service worker, as a push service would, through the DevTools protocol. */
async function deliverPush(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const registration = new Promise<string>((resolve) =>
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const active = registrations.find((r: { isDeleted: boolean }) => !r.isDeleted);
      if (active) resolve(active.registrationId as string);
    }),
  );
  await cdp.send('ServiceWorker.enable');
  const origin = new URL(page.url()).origin;
  await cdp.send('ServiceWorker.deliverPushMessage', { origin, registrationId: await registration, data: '' });
  await cdp.detach();
}

beforeAll(async () => {
  session = await openWebSession();
  phone = await session.newPage({ locale: 'ko-KR' });
  await phone.context().grantPermissions(['notifications'], { origin: new URL(session.server.url).origin });
  await createIdentity(phone, '하늘');
}, 180_000);

afterAll(async () => {
  await session?.close();
});

describe('notifications while the app is closed', () => {
  it('Settings offer them off by default, say what a push service learns, and that this server sends none (the switch is then disabled)', async () => {
    await button(phone, ko['nav.back']).click();
    await button(phone, ko['settings.title']).click();
    const toggle = phone.getByLabel(ko['settings.push'], { exact: true });
    await phone.getByText(ko['settings.pushHint']).waitFor();
    await phone.getByText(ko['settings.pushUnavailable']).waitFor();
    expect(await toggle.isChecked()).toBe(false);
    expect(await toggle.isDisabled()).toBe(true);
    await capture(phone, 'push-01-settings');
  });

  it('a push while the app is locked raises the one fixed notice, with no content, and leaves the lock screen', async () => {
    await phone.reload();
    await phone.getByRole('heading', { name: ko['unlock.title'] }).waitFor();
    await phone.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    expect(await shownNotices(phone)).toEqual([]);
    await deliverPush(phone);
    await expect.poll(() => shownNotices(phone), { timeout: 10_000 }).toHaveLength(1);
    expect(await shownNotices(phone)).toEqual([
      { title: ko['notify.title'], body: ko['notify.body'], tag: NOTICE_TAG, data: null },
    ]);
    // A second push replaces the first: one notice, whatever arrives.
    await deliverPush(phone);
    await phone.waitForTimeout(500);
    expect(await shownNotices(phone)).toHaveLength(1);
    await phone.getByRole('heading', { name: ko['unlock.title'] }).waitFor();
    await capture(phone, 'push-02-locked');
  });

  it('tapping the notice brings a window left unlocked forward at its lock screen', async () => {
    await unlock(phone, PASSPHRASE);
    await phone.getByRole('heading', { name: ko['groups.title'] }).waitFor();
    // The tap, as the browser delivers it to the service worker (a DevTools-made
    // event cannot wait, so its waitUntil throws there; what it started goes on).
    const [worker] = phone.context().serviceWorkers();
    await worker!.evaluate(async () => {
      // (the service worker's own types are not in the tests' library)
      const sw = self as unknown as {
        registration: ServiceWorkerRegistration;
        NotificationEvent: new (type: string, init: { notification: Notification }) => Event;
      } & EventTarget;
      const [notice] = await sw.registration.getNotifications();
      try {
        sw.dispatchEvent(new sw.NotificationEvent('notificationclick', { notification: notice! }));
      } catch {}
    });
    await phone.getByRole('heading', { name: ko['unlock.title'] }).waitFor({ timeout: 10_000 });
    expect(await shownNotices(phone)).toEqual([]);
    expect(session.problems).toEqual([]);
  });
});
