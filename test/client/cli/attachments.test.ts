// Files from the real mindeulle bin against a real relay: a JPEG with GPS and
// camera EXIF arrives with neither (read back with exifr), a document arrives
// byte for byte, `read --json` lists each message's attachments, and a
// download whose blob was changed on the relay fails and writes no file.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useServer } from '../../support/fixtures';
import { phonePhoto } from '../../support/phone-photo';
import { CliUser } from './run-cli';

const server = useServer();
let root = '';
const user = (name: string) => new CliUser(name, path.join(root, name), server.current.url);

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mindeulle-cli-files-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('the CLI sends and downloads files', () => {
  it('a phone photo arrives without its GPS position or camera data; a document arrives unchanged', {
    timeout: 120_000,
  }, async () => {
    const [alice, bora] = ['alice', 'bora'].map(user) as [CliUser, CliUser];
    await alice.ok('init', '--name', 'Alice');
    await bora.ok('init', '--name', 'Bora');
    const { id: groupId } = await alice.ok('group', 'create', '서류 모임');
    const invite = await alice.ok('invite', 'create', groupId);
    const join = await bora.ok('join', invite.code);
    await alice.ok('approve', groupId, join.requestId);

    const photoPath = path.join(root, 'contract.jpg');
    const photo = await phonePhoto();
    await writeFile(photoPath, photo);
    const before = await exifr.parse(photo, { gps: true, tiff: true, exif: true });
    expect(before).toMatchObject({ Make: 'PhoneMaker', Model: 'Galaxy Test 9' });
    expect(before.latitude).toBeCloseTo(37.566, 2);

    const docPath = path.join(root, 'letter.pdf');
    const doc = Buffer.from('%PDF-1.4\n% a letter from the court\n'.repeat(2000));
    await writeFile(docPath, doc);

    const sentPhoto = await alice.ok('send', groupId, '--file', photoPath, '계약서 사진이에요');
    const sentDoc = await alice.ok('send', groupId, '--file', docPath);
    expect(sentPhoto.attachment).toMatchObject({ name: 'contract.jpg', type: 'image/jpeg' });

    const read = await bora.ok('read', groupId);
    const bySeq = new Map(read.map((m: { seq: number }) => [m.seq, m]));
    expect(bySeq.get(sentPhoto.seq)).toMatchObject({
      attachments: [{ id: sentPhoto.attachment.id, name: 'contract.jpg', type: 'image/jpeg' }],
    });
    expect(bySeq.get(sentDoc.seq)).toMatchObject({
      attachments: [{ id: sentDoc.attachment.id, name: 'letter.pdf', size: doc.length, type: 'application/pdf' }],
    });

    const photoOut = path.join(root, 'got.jpg');
    await bora.ok('download', groupId, sentPhoto.attachment.id, '--out', photoOut);
    const got = await readFile(photoOut);
    expect(got.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    const after = (await exifr.parse(got, { gps: true, tiff: true, exif: true, xmp: true })) ?? {};
    expect(after.latitude).toBeUndefined();
    expect(after.GPSLatitude).toBeUndefined();
    expect(after.Make).toBeUndefined();
    expect(after.Model).toBeUndefined();
    expect(got.includes(Buffer.from('SN-0042-CANARY'))).toBe(false);
    expect((await sharp(got).metadata()).width).toBe(640);

    const docOut = path.join(root, 'got.pdf');
    await bora.ok('download', groupId, sentDoc.attachment.id, '--out', docOut);
    expect(Buffer.compare(await readFile(docOut), doc)).toBe(0);

    // The relay changes the document's blob: the download fails and leaves no file behind.
    const blobPath = path.join(path.dirname(server.current.dbPath), 'blobs', 'blobs', sentDoc.attachment.id);
    const blob = await readFile(blobPath);
    blob[500]! ^= 1;
    await writeFile(blobPath, blob);
    const badOut = path.join(root, 'bad.pdf');
    expect(await bora.fails('download', groupId, sentDoc.attachment.id, '--out', badOut)).toMatch(/changed|tampered/);
    expect((await readdir(root)).filter((f) => f.includes('bad.pdf'))).toEqual([]);
  });
});
