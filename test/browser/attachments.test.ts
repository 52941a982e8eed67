// Photos and documents in the chat, in real Chromium on 390 px phones against
// a real relay: 보라 (a member) sends a phone photo that carries GPS and camera
// data; 미나 (the admin) sees its thumbnail at once, opens the full picture and
// saves it, and what she saves has no position, no camera make and no serial.
// A document arrives byte for byte under its name, and the sender is told
// documents may carry their own details; once the relay changes its blob it
// fails with a clear message and saves nothing. An upload stopped mid-way (the
// network throttled) posts nothing. A file attached offline waits on the
// screen (withdrawable) and leaves when the connection is back; dropping a
// file on the conversation sends it like the picker. Screenshots go to test-artifacts/web/.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import exifr from 'exifr';
import type { Download, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ko } from '../../client/web/i18n/ko';
import { attachmentCiphertextBytes } from '../../shared/protocol/attachment';
import { type PhoneNetwork, phoneNetwork } from '../support/phone-network';
import { CAMERA_SERIAL, phonePhoto } from '../support/phone-photo';
import {
  admit,
  button,
  capture,
  createGroup,
  createIdentity,
  openTab,
  openWebSession,
  pictureFailures,
  type WebSession,
  PHONE_390,
} from '../support/web-app';

const GROUP = '서류 모임';

let session: WebSession;
let mina: Page;
let bora: Page;
let boraNetwork: PhoneNetwork;

const fileMessage = (page: Page, name: string) =>
  page
    .locator('li.msg')
    .filter({ has: page.locator('[data-testid="attachment"]') })
    .filter({ hasText: name });
const attachInput = (page: Page) => page.getByLabel(ko['attach.input'], { exact: true });

async function savedBytes(download: Download): Promise<Buffer> {
  return readFile((await download.path())!);
}

beforeAll(async () => {
  session = await openWebSession();
  [mina, bora] = await Promise.all([session.newPage(PHONE_390), session.newPage(PHONE_390)]);
  boraNetwork = phoneNetwork(bora.context());
  await boraNetwork.install();
  await createIdentity(mina, '미나');
  await createGroup(mina, GROUP);
  await admit(mina, bora, GROUP, { role: 'member', name: '보라', introduction: '법률 상담 받고 있어요' });
  await openTab(mina, 'chat');
}, 150_000);

pictureFailures(
  'attachments',
  () => session,
  () => ({ mina, bora }),
);

afterAll(async () => {
  await session?.close();
});

describe('photos and documents in the chat', () => {
  it('a phone photo shows as a thumbnail at once and opens without its GPS position or camera data; one it cannot redraw is refused', async () => {
    const photo = await phonePhoto({ width: 3000, height: 2000 });
    const before = await exifr.parse(photo, { gps: true, tiff: true, exif: true });
    expect(before.latitude).toBeCloseTo(37.566, 2);
    expect(before).toMatchObject({ Make: 'PhoneMaker' });
    expect(photo.includes(Buffer.from(CAMERA_SERIAL))).toBe(true);

    await bora.getByLabel(ko['chat.compose']).fill('계약서 사진이에요');
    await attachInput(bora).setInputFiles({ name: 'IMG_0042.jpg', mimeType: 'image/jpeg', buffer: photo });
    await fileMessage(bora, '계약서 사진이에요').getByText(ko['chat.state.stored']).waitFor({ timeout: 20_000 });
    expect(await bora.getByLabel(ko['chat.compose']).inputValue()).toBe(''); // the caption left with it
    expect(await bora.getByTestId('document-note').isVisible()).toBe(false); // a photo: no document note

    const sent = fileMessage(mina, '계약서 사진이에요');
    const thumb = sent.locator('.thumb img');
    await thumb.waitFor({ timeout: 20_000 });
    expect(await thumb.getAttribute('src')).toMatch(/^blob:/);
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(100);
    expect(await thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeLessThanOrEqual(320);
    await capture(mina, 'attachments-01-chat-with-photo');

    await sent.getByRole('button', { name: ko['attach.openPhoto'].replace('{name}', 'IMG_0042.jpg') }).click();
    const viewer = mina.getByRole('dialog', { name: ko['attach.viewer'] });
    await viewer.locator('img').waitFor();
    await expect.poll(() => viewer.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(2560);
    await capture(mina, 'attachments-02-photo-viewer');

    const [download] = await Promise.all([
      mina.waitForEvent('download'),
      viewer.getByRole('link', { name: ko['attach.saveNamed'].replace('{name}', 'IMG_0042.jpg') }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('IMG_0042.jpg');
    const got = await savedBytes(download);
    expect(got.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    const after = (await exifr.parse(got, { gps: true, tiff: true, exif: true, xmp: true }).catch(() => null)) ?? {};
    expect(after.latitude).toBeUndefined();
    expect(after.GPSLatitude).toBeUndefined();
    expect(after.Make).toBeUndefined();
    expect(after.Model).toBeUndefined();
    expect(got.includes(Buffer.from(CAMERA_SERIAL))).toBe(false);
    expect(got.includes(Buffer.from('PhoneMaker'))).toBe(false);
    const meta = await sharp(got).metadata();
    expect([meta.width, meta.height, meta.exif, meta.xmp]).toEqual([2560, 1707, undefined, undefined]);
    await viewer.getByRole('button', { name: ko['attach.close'] }).click();
    expect(await viewer.isVisible()).toBe(false);

    // A photo this browser cannot decode (here: not a picture at all) could keep its location: refused, not sent.
    await attachInput(bora).setInputFiles({
      name: 'IMG_0043.HEIC',
      mimeType: 'image/heic',
      buffer: photo.subarray(0, 500),
    });
    await bora.getByText(ko['attach.photoUnreadable'].replace('{name}', 'IMG_0043.HEIC')).waitFor();
    expect(await bora.locator('li.msg', { hasText: 'IMG_0043' }).count()).toBe(0);
  });

  it('a document arrives byte for byte under its name with a note to its sender; changed on the relay, it fails clearly and saves nothing', async () => {
    const doc = Buffer.from('%PDF-1.4\n% 법원에서 온 편지 /Author (Kim)\n'.repeat(3000));
    await attachInput(bora).setInputFiles({ name: '법원 편지.pdf', mimeType: 'application/pdf', buffer: doc });
    await bora.getByTestId('document-note').waitFor();
    expect(await bora.getByTestId('document-note').textContent()).toBe(ko['attach.documentNote']);

    const sent = fileMessage(mina, '법원 편지.pdf');
    await sent.waitFor({ timeout: 20_000 });
    const [download] = await Promise.all([
      mina.waitForEvent('download'),
      sent.getByRole('button', { name: ko['attach.fetchNamed'].replace('{name}', '법원 편지.pdf') }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('법원 편지.pdf');
    expect(Buffer.compare(await savedBytes(download), doc)).toBe(0);
    await sent.getByRole('link', { name: ko['attach.saveNamed'].replace('{name}', '법원 편지.pdf') }).waitFor();

    // The relay changes one byte of it: on her own phone it now fails, says why, and saves nothing.
    const blobDir = path.join(path.dirname(session.server.dbPath), 'blobs', 'blobs');
    const sizes = await Promise.all(
      (await readdir(blobDir)).map(async (f) => ({ f, size: (await stat(path.join(blobDir, f))).size })),
    );
    const blobPath = path.join(blobDir, sizes.find((b) => b.size === attachmentCiphertextBytes(doc.length))!.f);
    const blob = await readFile(blobPath);
    const changed = Buffer.from(blob);
    changed[4000]! ^= 1;
    await writeFile(blobPath, changed);
    const mine = fileMessage(bora, '법원 편지.pdf');
    let saved = false;
    bora.on('download', () => (saved = true));
    await mine.getByRole('button', { name: ko['attach.fetchNamed'].replace('{name}', '법원 편지.pdf') }).click();
    await mine.getByRole('alert').getByText(ko['attach.error.tampered']).waitFor();
    expect(await mine.getByRole('link').count()).toBe(0);
    expect(await mine.getByRole('button', { name: ko['attach.retry'] }).isVisible()).toBe(true);
    expect(saved).toBe(false);
    await writeFile(blobPath, blob);
  });

  it('an upload stopped mid-way posts nothing; "try again" sends it from the start', async () => {
    const cdp = await bora.context().newCDPSession(bora);
    // about 400 KB/s up: the first 1 MiB part takes a few seconds, the whole file ten
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 20,
      downloadThroughput: 4_000_000,
      uploadThroughput: 400_000,
    });
    try {
      const big = Buffer.alloc(3 * 1024 * 1024, 7);
      await attachInput(bora).setInputFiles({ name: '큰 파일.bin', mimeType: 'application/octet-stream', buffer: big });
      const line = bora.locator('li.msg', { hasText: '큰 파일.bin' });
      const transfer = line.getByTestId('transfer');
      await expect
        .poll(() => transfer.locator('progress').evaluate((p: HTMLProgressElement) => p.value), {
          timeout: 20_000,
        })
        .toBeGreaterThan(0);
      await transfer.getByRole('button', { name: ko['attach.cancel'] }).click();
      await expect.poll(() => transfer.getAttribute('data-state')).toBe('stopped');
      await transfer.getByRole('button', { name: ko['attach.retry'] }).waitFor();
    } finally {
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
    }
    // A message she sends after it arrives; the stopped file never does.
    await bora.getByLabel(ko['chat.compose']).fill('사진은 나중에 보낼게요');
    await button(bora, ko['chat.send']).click();
    await mina.locator('li.msg', { hasText: '사진은 나중에 보낼게요' }).waitFor({ timeout: 20_000 });
    expect(await mina.locator('li.msg', { hasText: '큰 파일.bin' }).count()).toBe(0);
    // "try again" sends it from the start, now at full speed
    await bora.locator('li.msg', { hasText: '큰 파일.bin' }).getByRole('button', { name: ko['attach.retry'] }).click();
    await fileMessage(mina, '큰 파일.bin').waitFor({ timeout: 30_000 });
    await fileMessage(bora, '큰 파일.bin').getByText(ko['chat.state.stored']).waitFor();
  });

  it('files attached or dropped offline wait on the screen (also after a visit to the board), can be withdrawn, and leave when the connection is back', async () => {
    await boraNetwork.set(true);
    await bora.getByTestId('connection-bar').waitFor({ timeout: 20_000 });
    const held = (name: string) => bora.locator('li.msg', { hasText: name });
    await attachInput(bora).setInputFiles({
      name: '그만둘 메모.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('내용'),
    });
    // the other one dropped on the conversation, as from a desktop's file manager
    await bora.locator('ol.messages').evaluate((log) => {
      const files = new DataTransfer();
      files.items.add(new File(['나중 메모 내용'], '나중 메모.txt', { type: 'text/plain' }));
      for (const type of ['dragover', 'drop'])
        log.dispatchEvent(new DragEvent(type, { dataTransfer: files, bubbles: true, cancelable: true }));
    });
    for (const name of ['그만둘 메모.txt', '나중 메모.txt']) {
      await held(name).getByText(ko['chat.state.queued']).waitFor();
      expect(await held(name).getByText(ko['attach.heldNote']).isVisible()).toBe(true);
    }
    // she reads the board meanwhile: back in the chat, both still wait
    await openTab(bora, 'board');
    await openTab(bora, 'chat');
    for (const name of ['그만둘 메모.txt', '나중 메모.txt'])
      await held(name).getByText(ko['chat.state.queued']).waitFor();
    await held('그만둘 메모.txt').getByRole('button', { name: ko['chat.cancelQueued'] }).click();
    expect(await held('그만둘 메모.txt').count()).toBe(0);

    await boraNetwork.set(false);
    await fileMessage(mina, '나중 메모.txt').waitFor({ timeout: 30_000 });
    await fileMessage(bora, '나중 메모.txt').getByText(ko['chat.state.stored']).waitFor({ timeout: 20_000 });
    expect(await mina.locator('li.msg', { hasText: '그만둘 메모.txt' }).count()).toBe(0);
    expect(session.problems).toEqual([]);
  });
});
