// Photos lose their location and device data before they are encrypted: a
// survivor sending a photo from a shelter must never send its address. JPEG,
// PNG and WebP files (known by their first bytes, not their name) are decoded
// and encoded again with sharp, which writes no EXIF, XMP, IPTC or ICC
// metadata unless asked to; the EXIF orientation is applied to the pixels
// first so the picture still stands the right way up. Other files go as they
// are (documents may carry their own metadata, e.g. a PDF's author).
import sharp from 'sharp';

export type StrippableImage = 'image/jpeg' | 'image/png' | 'image/webp';

/** The image type of these bytes if it is one this module strips, else null. */
export function strippableImageType(bytes: Uint8Array): StrippableImage | null {
  const b = bytes;
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

const FORMAT = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp' } as const;
const THUMBNAIL_EDGE = 160;

export interface StrippedImage {
  bytes: Uint8Array;
  type: StrippableImage;
  width: number;
  height: number;
  /** a small JPEG preview for the message (a few KB) */
  thumbnail: Uint8Array;
}

/** Re-encodes the image without any metadata, with its dimensions and a thumbnail. */
export async function stripImage(bytes: Uint8Array, type: StrippableImage): Promise<StrippedImage> {
  const upright = sharp(bytes).rotate();
  const { data, info } = await upright
    .toFormat(FORMAT[type], type === 'image/jpeg' ? { quality: 90 } : {})
    .toBuffer({ resolveWithObject: true });
  const thumbnail = await sharp(data)
    .resize(THUMBNAIL_EDGE, THUMBNAIL_EDGE, { fit: 'inside' })
    .jpeg({ quality: 60 })
    .toBuffer();
  return {
    bytes: new Uint8Array(data),
    type,
    width: info.width,
    height: info.height,
    thumbnail: new Uint8Array(thumbnail),
  };
}
