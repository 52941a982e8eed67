// Photos leave the phone without their hidden details. A photo from a phone's
// camera carries GPS coordinates and the camera's serial in its EXIF (or XMP)
// block: a survivor sending a picture from a shelter must never send its
// address. So a photo is never sent as it is: it is decoded (createImageBitmap,
// which also turns it upright by its EXIF orientation) and drawn again on a
// canvas, and only the drawn pixels are encoded. A canvas has no metadata to
// keep, so none survives. The picture becomes a JPEG (quality 0.9), or a PNG
// when it has transparent pixels (a PNG, GIF or WebP whose transparency a JPEG
// would turn black), with its long side at most 2560 px; a second small JPEG
// (≤ 320 px, quality 0.6) is the thumbnail that travels inside the E2EE
// message. A photo format this browser cannot decode is refused, never sent
// unchanged (see `isPhoto`).
import { MAX_THUMBNAIL_CHARS } from '../../../shared/protocol/attachment';

export const MAX_IMAGE_SIDE = 2560;
export const THUMBNAIL_SIDE = 320;
const IMAGE_QUALITY = 0.9;
const THUMBNAIL_QUALITY = 0.6;
/** base64url grows 4/3: raw bytes that still fit the descriptor's thumbnail field */
const MAX_THUMBNAIL_BYTES = Math.floor((MAX_THUMBNAIL_CHARS * 3) / 4);

/** Raster photo types: these are re-encoded, or refused when the browser cannot decode them. */
const PHOTO_TYPES = /^image\/(jpeg|jpg|pjpeg|png|apng|webp|gif|heic|heif|avif|tiff|bmp)$/i;
const PHOTO_NAMES = /\.(jpe?g|png|webp|gif|heic|heif|avif|tiff?|bmp)$/i;
/** Types that can hold transparency (a JPEG cannot). */
const ALPHA_TYPES = /^image\/(png|apng|webp|gif|avif|heic|heif|tiff|bmp)$/i;

export function isPhoto(file: { type: string; name: string }): boolean {
  return PHOTO_TYPES.test(file.type) || (!file.type && PHOTO_NAMES.test(file.name));
}

/** Width and height scaled down (never up) so the long side is at most `max`. */
export function fitWithin(width: number, height: number, max: number): { width: number; height: number } {
  const scale = Math.min(1, max / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** The original name with the extension of what is sent now ("IMG_0042.HEIC" → "IMG_0042.jpg"). */
export function strippedName(name: string, type: 'image/jpeg' | 'image/png'): string {
  const base = name.replace(/\.[^./\\]{1,8}$/, '') || 'photo';
  return `${base}.${type === 'image/png' ? 'png' : 'jpg'}`;
}

export interface StrippedImage {
  data: Blob;
  name: string;
  type: 'image/jpeg' | 'image/png';
  width: number;
  height: number;
  /** a small JPEG of the stripped picture (absent if even the smallest try was too large) */
  thumbnail?: Uint8Array;
}

type AnyCanvas = OffscreenCanvas | HTMLCanvasElement;

function canvasOf(width: number, height: number): AnyCanvas {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

/** `opaque`: on white, for a JPEG of a picture that may be transparent (else its clear parts turn black). */
function draw(source: Picture, width: number, height: number, opaque = false): AnyCanvas {
  const canvas = canvasOf(width, height);
  const g = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!g) throw new Error('no 2d canvas');
  g.imageSmoothingQuality = 'high';
  if (opaque) {
    g.fillStyle = '#fff';
    g.fillRect(0, 0, width, height);
  }
  g.drawImage(source, 0, 0, width, height);
  return canvas;
}

function encode(canvas: AnyCanvas, type: string, quality: number): Promise<Blob> {
  if ('convertToBlob' in canvas) return canvas.convertToBlob({ type, quality });
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('canvas encoding failed'))), type, quality),
  );
}

function hasTransparency(canvas: AnyCanvas): boolean {
  const g = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
  const pixels = g.getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! < 255) return true;
  return false;
}

async function thumbnailOf(source: Picture): Promise<Uint8Array | undefined> {
  // Smaller and coarser until it fits the descriptor (a busy photo at 320 px is usually 10-20 KB).
  for (const [side, quality] of [
    [THUMBNAIL_SIDE, THUMBNAIL_QUALITY],
    [240, 0.5],
    [160, 0.4],
  ] as const) {
    const size = fitWithin(widthOf(source), heightOf(source), side);
    const jpeg = await encode(draw(source, size.width, size.height, true), 'image/jpeg', quality);
    if (jpeg.size <= MAX_THUMBNAIL_BYTES) return new Uint8Array(await jpeg.arrayBuffer());
  }
  return undefined;
}

type Picture = ImageBitmap | HTMLImageElement;

/**
 * createImageBitmap first; where it refuses a format the browser shows in an
 * <img> (HEIC in Safari), the element decodes it (upright by its EXIF
 * orientation, as images are drawn by default) from a short-lived blob: URL.
 */
async function decode(file: Blob): Promise<{ picture: Picture; close(): void }> {
  try {
    const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    return { picture: bitmap, close: () => bitmap.close() };
  } catch (err) {
    if (typeof document === 'undefined') throw err;
    const url = URL.createObjectURL(file);
    const img = new Image();
    img.src = url;
    try {
      await img.decode();
    } finally {
      URL.revokeObjectURL(url);
    }
    return { picture: img, close: () => img.removeAttribute('src') };
  }
}

const widthOf = (p: Picture) => (p instanceof HTMLImageElement ? p.naturalWidth : p.width);
const heightOf = (p: Picture) => (p instanceof HTMLImageElement ? p.naturalHeight : p.height);

/** Decodes and redraws a photo; rejects when this browser cannot decode it (it must then not be sent). */
export async function stripImage(file: Blob, name: string): Promise<StrippedImage> {
  const decoded = await decode(file);
  const bitmap = decoded.picture;
  try {
    const size = fitWithin(widthOf(bitmap), heightOf(bitmap), MAX_IMAGE_SIDE);
    const canvas = draw(bitmap, size.width, size.height);
    const type = ALPHA_TYPES.test(file.type) && hasTransparency(canvas) ? 'image/png' : 'image/jpeg';
    const data = await encode(canvas, type, IMAGE_QUALITY);
    const thumbnail = await thumbnailOf(bitmap);
    return { data, name: strippedName(name, type), type, ...size, ...(thumbnail ? { thumbnail } : {}) };
  } finally {
    decoded.close();
  }
}
