import { z } from 'zod';
import { MAX_ENVELOPE_BYTES, isBucketLength } from '../protocol/padding';
import { b64ByteLength } from '../crypto/encoding';
import { b64Bytes, idSchema, messageKindSchema, unixSeconds } from './common';

export const MAX_PAGE = 500;

/** Where a page of a group's messages is read (GET, catch-up). */
export const messagesPath = (groupId: string, after: number, limit: number) =>
  `/v1/groups/${groupId}/messages?after=${after}&limit=${limit}`;

/** The `Link` header with which the relay names the next page, before the body arrives. */
export const nextPageLink = (groupId: string, after: number, limit: number) =>
  `<${messagesPath(groupId, after, limit)}>; rel="next"`;

/** The `after` of a next-page `Link` header, or null for anything else. */
export function nextPageCursor(link: string | null): number | null {
  const after = link?.match(/^<[^>]*[?&]after=(\d{1,15})(?:&[^>]*)?>;\s*rel="next"$/)?.[1];
  return after === undefined ? null : Number(after);
}

export const ciphertextSchema = b64Bytes(1, MAX_ENVELOPE_BYTES).refine((s) => isBucketLength(b64ByteLength(s)), {
  message: 'ciphertext must be padded to a size bucket',
});

export const postMessageBody = z.object({
  /** chosen by the sending client; a retry with the same id returns the first stored sequence */
  clientMsgId: b64Bytes(16, 16),
  epoch: z.number().int().min(1),
  kind: messageKindSchema,
  ciphertext: ciphertextSchema,
  /** bulletins only */
  pinned: z.boolean().default(false),
});
export type PostMessageInput = z.infer<typeof postMessageBody>;

export const postMessageResponse = z.object({
  groupId: idSchema,
  seq: z.number().int(),
  duplicate: z.boolean(),
});
export type PostResult = z.infer<typeof postMessageResponse>;

export const storedMessageSchema = z.object({
  seq: z.number().int(),
  clientMsgId: z.string(),
  epoch: z.number().int(),
  kind: messageKindSchema,
  ciphertext: z.string(),
  pinned: z.boolean(),
  createdAt: unixSeconds,
  expiresAt: unixSeconds.nullable(),
});
export type StoredMessage = z.infer<typeof storedMessageSchema>;

export const messageQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(100),
});
export const messageListResponse = z.object({
  messages: z.array(storedMessageSchema),
  hasMore: z.boolean(),
});

export const messageParams = z.object({ groupId: idSchema, seq: z.coerce.number().int().min(1) });
export const pinBody = z.object({ pinned: z.boolean() });
