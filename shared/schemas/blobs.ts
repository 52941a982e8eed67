// Wire shapes of the attachment blob routes (PROTOCOL.md section 17): an upload
// is reserved with its exact ciphertext size and a delete token, sent in
// numbered 1 MiB parts (raw bytes), then completed; downloads are raw bytes.
import { z } from 'zod';
import { b64Bytes, idSchema } from './common';

export const blobParams = z.object({ groupId: idSchema, blobId: idSchema });
export const blobPartParams = blobParams.extend({
  index: z.coerce.number().int().min(0).max(100_000),
});

export const createBlobBody = z.object({
  /** ciphertext bytes: a length a padded attachment has (24 + 65553·k) */
  size: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  /** a random token (32 bytes) the uploader keeps to delete the blob; the relay stores its hash */
  deleteToken: b64Bytes(32, 32),
});

export const blobUploadResponse = z.object({
  blobId: idSchema,
  size: z.number().int(),
  /** bytes received so far, in whole parts (but a shorter last one) */
  received: z.number().int(),
  complete: z.boolean(),
  partBytes: z.number().int(),
});

export const deleteBlobBody = z.object({ deleteToken: b64Bytes(32, 32) });

export type BlobUpload = z.infer<typeof blobUploadResponse>;
