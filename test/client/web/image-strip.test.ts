// The arithmetic and naming of the web app's photo redraw (core/image-strip.ts);
// the redraw itself (canvas, no metadata left) runs in Chromium in
// test/browser/attachments.test.ts.
import { describe, expect, it } from 'vitest';
import { fitWithin, isPhoto, MAX_IMAGE_SIDE, strippedName } from '../../../client/web/core/image-strip';

describe('photo redraw before sending', () => {
  it('scales the long side down to the cap, keeps the proportions and never scales up', () => {
    expect(fitWithin(4032, 3024, MAX_IMAGE_SIDE)).toEqual({ width: 2560, height: 1920 });
    expect(fitWithin(3024, 4032, MAX_IMAGE_SIDE)).toEqual({ width: 1920, height: 2560 });
    expect(fitWithin(640, 480, MAX_IMAGE_SIDE)).toEqual({ width: 640, height: 480 });
    expect(fitWithin(10_000, 3, 320)).toEqual({ width: 320, height: 1 });
  });

  it('names the redrawn file after the original with the extension of what is sent', () => {
    expect(strippedName('IMG_0042.HEIC', 'image/jpeg')).toBe('IMG_0042.jpg');
    expect(strippedName('도장.png', 'image/png')).toBe('도장.png');
    expect(strippedName('사진', 'image/jpeg')).toBe('사진.jpg');
    expect(strippedName('.jpeg', 'image/jpeg')).toBe('photo.jpg');
  });

  it('treats camera formats as photos (redrawn or refused, never sent as they are), other files as documents', () => {
    for (const type of ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/heic', 'image/heif'])
      expect(isPhoto({ type, name: 'x' }), type).toBe(true);
    expect(isPhoto({ type: '', name: 'IMG_1.HEIC' })).toBe(true);
    expect(isPhoto({ type: 'application/pdf', name: 'letter.pdf' })).toBe(false);
    expect(isPhoto({ type: 'image/svg+xml', name: 'logo.svg' })).toBe(false);
  });
});
