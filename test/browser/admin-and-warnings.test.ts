// The admin panel's less travelled paths and the chat's warnings, in real
// Chromium against a real server: an admin rejects a join request (the
// applicant is told, neutrally, that she was not let in); a dropped message
// (a row deleted from the relay's SQLite file) shows the gap warning on the
// member's phone; the admin sets retention and announcement-only (later
// messages carry an expiry; a member's compose box gives way to a line that
// says why); an introduction the server moved onto a request of its own device
// shows as a warning, and the admin rejects every pending request at once.
// Screenshots go to test-artifacts/web/.
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalInviteCode } from '../../client/web/core/invite-link';
import { en } from '../../client/web/i18n/en';
import { ko } from '../../client/web/i18n/ko';
import { cryptoReady } from '../../shared/crypto/sodium';
import { TestDevice } from '../support/api-client';
import {
  deleteMessageRow,
  insertMessageRow,
  joinRequestRows,
  messageRows,
  replayMessageRow,
  type StoredRow,
  transplantIntroduction,
  withDb,
} from '../support/db-tamper';
import { expectOk } from '../support/http';
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
} from '../support/web-app';

const GROUP = '작은 모임';
const HOUR = 3600;
const DAY = 24 * HOUR;

let session: WebSession;
let admin: Page;
let applicant: Page;
let member: Page;
let groupId: string;

/** Sends from the admin's chat and waits until the relay acknowledged the durable write. */
async function sendStored(text: string): Promise<StoredRow> {
  await sendMessage(admin, text);
  await message(admin, text).getByText(ko['chat.state.stored']).waitFor();
  return messageRows(session.server.dbPath, groupId).at(-1)!;
}

beforeAll(async () => {
  session = await openWebSession();
  [admin, applicant, member] = await Promise.all([session.newPage(), session.newPage(), session.newPage()]);
  await createIdentity(admin, '관리자');
  await createGroup(admin, GROUP);
  groupId = withDb(session.server.dbPath, (db) => (db.prepare('SELECT id FROM groups').get() as { id: string }).id);
}, 90_000);

pictureFailures(
  'admin',
  () => session,
  () => ({ admin, applicant, member }),
);

afterAll(async () => {
  await session?.close();
});

describe('rejecting a join request', () => {
  it('the request leaves the admin panel and the applicant is told, neutrally, she was not let in', async () => {
    const link = await createInvite(admin, 'member', '행사 안내');
    await joinWithLink(applicant, link, '낯선 이', '들어가고 싶어요');
    const request = admin.locator('li.request', { hasText: '들어가고 싶어요' });
    await request.getByRole('button', { name: ko['requests.reject'] }).click();
    await request.waitFor({ state: 'detached' });
    await admin.getByText(ko['requests.none']).waitFor();

    await applicant.getByRole('heading', { name: ko['waiting.endedTitle'] }).waitFor({ timeout: 15_000 });
    expect(await applicant.getByText(ko['waiting.ended'], { exact: true }).isVisible()).toBe(true);
    expect(await applicant.getByText(ko['waiting.body']).count()).toBe(0);
    expect(await applicant.locator('.spinner').isVisible()).toBe(false);
    await capture(applicant, '20-join-rejected');
    // She is in no group: the list says so.
    await button(applicant, ko['nav.back']).click();
    await applicant.getByText(ko['groups.empty']).waitFor();
    expect(await applicant.getByRole('button', { name: ko['groups.pending'] }).count()).toBe(0);
  });

  it('the line is neutral in both catalogues', () => {
    // The line names neither who decided nor why, in either catalogue.
    for (const text of [ko['waiting.ended'], en['waiting.ended']])
      expect(text).not.toMatch(/거절|reject|refus|admin|관리자/i);
    expect(en['waiting.endedTitle']).toBe('Join request closed');
  });
});

describe('an introduction the server moved onto its own device’s request', () => {
  it('shows a warning instead of her words, and the admin rejects every pending request at once', async () => {
    await cryptoReady();
    const words = '어제 쉼터에서 만난 민지예요';
    const her = await session.newPage();
    await admin.getByLabel(ko['invite.uses']).fill('5');
    const link = await createInvite(admin, 'member', '여러 번 쓰는 초대');
    await joinWithLink(her, link, '민지', words);
    await admin.locator('li.request', { hasText: words }).waitFor({ timeout: 15_000 });

    // A device the server controls redeems the same code; the server moves her sealed words onto its request and deletes hers.
    const code = canonicalInviteCode(link)!;
    const planted = await TestDevice.create(session.server);
    const theirs = expectOk(await planted.redeem(code), 201).requestId as string;
    const mine = joinRequestRows(session.server.dbPath).find((r) => r.device_id !== planted.id)!;
    transplantIntroduction(session.server.dbPath, mine.id, theirs);
    // one more request (as any new one does) makes the admin's panel load the list again
    const another = await TestDevice.create(session.server);
    expectOk(await another.redeem(code), 201);

    await admin.locator('li.request', { hasText: ko['requests.transplanted'] }).waitFor({ timeout: 15_000 });
    // the panel may have drawn the list between the two redemptions: wait for the second one too
    await expect.poll(() => admin.locator('li.request').count(), { timeout: 15_000 }).toBe(2);
    expect(await admin.getByText(words).count()).toBe(0);
    await capture(admin, '26-admin-transplanted-introduction');

    await button(admin, ko['requests.clearAll'].replace('{count}', '2')).click();
    await button(admin, ko['requests.clearConfirm'].replace('{count}', '2')).click();
    await admin.getByText(ko['requests.none']).waitFor();
    expect(joinRequestRows(session.server.dbPath)).toEqual([]);
    await her.close();
  });
});

describe('a message the relay dropped', () => {
  it('the next message from the same sender carries the gap warning on the member’s phone', async () => {
    const link = await createInvite(admin, 'member', '두 번째 초대');
    await joinWithLink(member, link, '들꽃', '소개받고 왔어요');
    await approve(admin, '소개받고 왔어요');
    await member.getByRole('heading', { name: GROUP }).waitFor({ timeout: 20_000 });
    await openTab(admin, 'chat');
    await sendStored('첫 소식');
    await message(member, '첫 소식').waitFor();

    // Her phone is closed while the relay drops the admin's next message.
    const context = member.context();
    await member.close();
    const dropped = await sendStored('사라질 소식');
    deleteMessageRow(session.server.dbPath, groupId, dropped.seq);
    await sendStored('그다음 소식');

    member = await context.newPage();
    await member.goto(session.server.url);
    await unlock(member, PASSPHRASE);
    await member.getByRole('button', { name: new RegExp(GROUP) }).click();
    const next = message(member, '그다음 소식');
    await next.waitFor();
    expect(await next.locator('.warning').allTextContents()).toEqual([ko['warn.gap']]);
    expect(await message(member, '첫 소식').locator('.warning').count()).toBe(0);
    expect(await message(member, '사라질 소식').count()).toBe(0);
    await capture(member, '21-chat-gap-warning');
  });
});

describe('a replayed message and a tampered one', () => {
  it('the member’s open chat warns about both and shows neither as a message', async () => {
    const original = await sendStored('한 번만 온 소식');
    await message(member, '한 번만 온 소식').waitFor();
    const { seq, ...row } = original;
    // The relay hands the same envelope out again, under a new sequence number...
    replayMessageRow(session.server.dbPath, groupId, seq);
    // ...and one whose bytes were changed on its disk (under a fresh message id, so it is not a replay).
    const bytes = Buffer.from(row.ciphertext, 'base64url');
    bytes[bytes.length >> 1]! ^= 0xff;
    insertMessageRow(session.server.dbPath, {
      ...row,
      client_msg_id: randomBytes(16).toString('base64url'),
      ciphertext: bytes.toString('base64url'),
    });

    // The next live message shows her SDK a hole in the sequence: it catches up and reads both rows.
    await sendStored('이어지는 소식');
    await message(member, '이어지는 소식').waitFor();
    const notices = member.locator('li.notice.warning');
    await notices.filter({ hasText: ko['warn.replay'] }).waitFor();
    await notices.filter({ hasText: ko['warn.undecryptable'] }).waitFor();
    expect(await message(member, '한 번만 온 소식').count()).toBe(1);
    await capture(member, '24-chat-replay-warning');
  });
});

describe('the new key withheld after a removal', () => {
  it('the member’s chat says it waits for the group’s new key and will not send, until the key arrives', async () => {
    // While her phone is closed, a third person joins and is removed; the relay keeps back her envelope of the removal's epoch.
    const context = member.context();
    await member.close();
    const visitor = await session.newPage();
    await openTab(admin, 'admin');
    const link = await createInvite(admin, 'member', '세 번째 초대');
    await joinWithLink(visitor, link, '잠시 온 이', '잠깐 들를게요');
    await approve(admin, '잠깐 들를게요');
    await visitor.getByRole('heading', { name: GROUP }).waitFor({ timeout: 20_000 });
    // The members tab is drawn once: open it again until her name (her first encrypted message) has arrived.
    const row = admin.locator('li.member', { hasText: '잠시 온 이' });
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 300))) {
      await openTab(admin, 'chat');
      await openTab(admin, 'members');
      if ((await row.count()) > 0) break;
    }
    await row.getByRole('button', { name: ko['members.remove'] }).click();
    await admin.getByRole('button', { name: ko['members.removeConfirm'].replace('{name}', '잠시 온 이') }).click();
    await row.waitFor({ state: 'detached' });
    await visitor.close();
    const withheld = withDb(session.server.dbPath, (db) => {
      const { epoch } = db.prepare('SELECT epoch FROM groups WHERE id = ?').get(groupId) as { epoch: number };
      const { device_id } = db
        .prepare("SELECT device_id FROM memberships WHERE group_id = ? AND role != 'admin'")
        .get(groupId) as { device_id: string };
      const kept = db
        .prepare('SELECT * FROM key_envelopes WHERE group_id = ? AND epoch = ? AND recipient = ?')
        .get(groupId, epoch, device_id);
      db.prepare('DELETE FROM key_envelopes WHERE group_id = ? AND epoch = ? AND recipient = ?').run(
        groupId,
        epoch,
        device_id,
      );
      return kept as Record<string, unknown>;
    });
    expect(withheld).toBeDefined();

    member = await context.newPage();
    await member.goto(session.server.url);
    await unlock(member, PASSPHRASE);
    await member.getByRole('button', { name: new RegExp(GROUP) }).click();
    await member.getByText(ko['key.waiting']).waitFor();
    expect(await button(member, ko['chat.send']).isDisabled()).toBe(true);
    await member.getByLabel(ko['chat.compose']).fill('열쇠를 기다리는 글');
    await capture(member, '25-chat-waiting-for-key');

    // The relay hands it over after all; the admin's next message makes her phone catch up.
    withDb(session.server.dbPath, (db) =>
      db
        .prepare('INSERT INTO key_envelopes (group_id, epoch, recipient, sealed) VALUES (?, ?, ?, ?)')
        .run(withheld.group_id, withheld.epoch, withheld.recipient, withheld.sealed),
    );
    await openTab(admin, 'chat');
    await sendStored('새 열쇠로 보낸 소식');
    await message(member, '새 열쇠로 보낸 소식').waitFor();
    await member.getByText(ko['key.waiting']).waitFor({ state: 'hidden' });
    expect(await member.getByLabel(ko['chat.compose']).inputValue()).toBe('열쇠를 기다리는 글');
    await button(member, ko['chat.send']).click();
    await message(member, '열쇠를 기다리는 글').getByText(ko['chat.state.stored']).waitFor();
  });
});

describe('group settings', () => {
  it('retention and announcement-only: later messages expire, and a member can no longer write', async () => {
    // A new group keeps messages 30 days (the default); the relay rounds up to the end of the hour.
    const before = await sendStored('보관 기간 전');
    expect(before.expires_at! - before.created_at).toBe(30 * DAY + HOUR);
    expect(await member.getByLabel(ko['chat.compose']).isVisible()).toBe(true);

    await openTab(admin, 'admin');
    await admin.getByLabel(ko['admin.retention']).selectOption(String(DAY));
    await admin.getByLabel(ko['admin.announcementOnly']).check();
    await capture(admin, '22-admin-settings');
    await button(admin, ko['admin.saveSettings']).click();
    await admin.getByRole('status').filter({ hasText: ko['admin.saved'] }).waitFor({ state: 'attached' });

    // The member's open chat changes by itself when the settings commit arrives.
    await member.getByText(ko['chat.announcementOnly']).waitFor({ timeout: 15_000 });
    expect(await member.getByLabel(ko['chat.compose']).isVisible()).toBe(false);
    await capture(member, '23-chat-announcement-only');

    await openTab(admin, 'chat');
    expect(await admin.getByText(ko['chat.announcementOnly']).count()).toBe(0);
    const after = await sendStored('보관 기간 뒤');
    // The relay keeps hours only: the message goes at the end of the hour a day from now.
    expect(after.expires_at! - after.created_at).toBe(DAY + HOUR);
    await message(member, '보관 기간 뒤').waitFor();
  });

  it('a bulletin posted under retention shows until when it stays', async () => {
    await openTab(admin, 'board');
    await admin.getByLabel(ko['board.compose']).fill('다음 모임 장소 안내');
    await button(admin, ko['board.post']).click();
    await openTab(member, 'board');
    const bulletin = member.locator('li.bulletin', { hasText: '다음 모임 장소 안내' });
    await bulletin.waitFor();
    const until = new RegExp(`^${ko['board.expires'].replace('{when}', '.+')}$`);
    expect(await bulletin.locator('.hint').textContent()).toMatch(until);
    await capture(member, '25-board-expiry');
  });
});

describe('notifications', () => {
  it('while the app is hidden, a new message notifies with the fixed text only: no content, no name, no group', async () => {
    await member.context().grantPermissions(['notifications'], { origin: session.server.url });
    await member.getByRole('button', { name: ko['nav.back'] }).click(); // Settings is on the group list
    await member.getByRole('button', { name: ko['settings.title'], exact: true }).click();
    await member.getByLabel(ko['settings.notifications']).check();
    await member.getByRole('status').filter({ hasText: ko['settings.saved'] }).waitFor({ state: 'attached' });
    // Headless Chromium never hides a page, so the page is told it is hidden, as a
    // phone's browser tells it when she switches to another app.
    await member.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await openTab(admin, 'chat');
    const secret = `알림에 나오면 안 되는 글 ${randomBytes(4).toString('hex')}`;
    await sendStored(secret);
    // Up to 30 s by the clock, not by a count of tries: on a loaded 2-core CI
    // machine the live frame, its decryption and each getNotifications() are slow.
    const shown = await member.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      for (const end = Date.now() + 30_000; Date.now() < end; ) {
        const list = await registration.getNotifications();
        if (list.length) return list.map((n) => ({ title: n.title, body: n.body }));
        await new Promise((r) => setTimeout(r, 100));
      }
      return [];
    });
    expect(shown).toEqual([{ title: ko['notify.title'], body: ko['notify.body'] }]);
    const text = JSON.stringify(shown);
    for (const name of [secret, GROUP, '관리자', '들꽃']) expect(text).not.toContain(name);
    await member.evaluate(() => {
      delete (document as { visibilityState?: unknown }).visibilityState; // back to the real getter
      document.dispatchEvent(new Event('visibilitychange'));
    });
  }, 60_000);
});

describe('the whole session', () => {
  it('raised no page error and no Content-Security-Policy violation', () => {
    expect(session.problems).toEqual([]);
  });
});
