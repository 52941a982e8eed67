// What is inside a message envelope once decrypted: a small versioned JSON
// object. New `type`s can be added without a protocol change; an older client
// decodes a type it does not know as { type: 'unsupported' } and shows a
// placeholder. Unknown extra fields are ignored, so a type can grow optional
// fields too. Only a change to the meaning of existing fields bumps `v`.
import { z } from 'zod';
import { fromUtf8, utf8 } from '../crypto/encoding';
import { attachmentDescriptorSchema } from './attachment';
import type { MessageKind } from './posting-rules';

export const PLAINTEXT_VERSION = 1;
export const MAX_TEXT_CHARS = 16_000;
export const MAX_NAME_CHARS = 100;
/** Files in one attachment message (their thumbnails must fit one envelope). */
export const MAX_ATTACHMENTS = 2;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !LONE_SURROGATE.test(s), 'text must be well-formed UTF-16');
/** base64url of a 16-byte message id (the header's message id) */
const messageId = z.string().regex(/^[A-Za-z0-9_-]{22}$/);
/** sender's clock, unix milliseconds; informative only (the server's order is the order) */
const sentAt = z.number().int().min(0).max(8.64e15);

const base = { v: z.literal(PLAINTEXT_VERSION), sentAt };

/**
 * At most this many counters in one epoch-check: a bound on the message's
 * size, not on the group's (MAX_MEMBERS). In a larger group the senders beyond
 * it are left out of that check.
 */
export const MAX_EPOCH_CHECK_COUNTERS = 1000;
const deviceId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
const counter = z.number().int().min(-1).max(0xffffffff);
/**
 * Posted by every member when she opens an epoch (or her verified roster
 * changes): the roster head she holds, and for the previous epoch she held the
 * highest counter she read from each sender (her own: the highest the relay
 * stored). Receivers compare both with what they hold (PROTOCOL.md section 10).
 */
const epochCheck = z.object({
  ...base,
  type: z.literal('epoch-check'),
  roster: z.object({ seq: z.number().int().min(0), head: z.string().regex(/^[A-Za-z0-9_-]{43}$/) }),
  prev: z
    .object({
      epoch: z.number().int().min(1),
      counters: z
        .record(deviceId, counter)
        .refine((c) => Object.keys(c).length <= MAX_EPOCH_CHECK_COUNTERS, 'too many counters'),
    })
    .optional(),
});

/** A sealed urgent request fits a mid-sized envelope even for 255 recipients. */
const MAX_SEALED_URGENT_CHARS = 48_000;

/** A carried inner layer fits the largest envelope's plaintext once base64url-encoded (and then must fit a meta message). */
const MAX_CARRIED_INNER_CHARS = 88_000;
/**
 * A facilitator or admin carries a pinned bulletin (or an edit of one) from an
 * earlier epoch to newcomers (at an approval, or when she pins it): its signed inner layer and its one
 * message key, the sequence it was stored at, whether it is pinned, and when
 * it expires (PROTOCOL.md section 10). The newcomer checks the original
 * author's signature (carried-bulletin.ts).
 */
const carriedBulletin = z.object({
  ...base,
  type: z.literal('carried-bulletin'),
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  inner: z
    .string()
    .max(MAX_CARRIED_INNER_CHARS)
    .regex(/^[A-Za-z0-9_-]+$/),
  key: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  pinned: z.boolean(),
  /** Unix seconds, as the stored row's; null when the group keeps messages */
  expiresAt: z.number().int().min(0).max(8.64e12).nullable(),
});

export const plaintextSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('text'), text: text(MAX_TEXT_CHARS).min(1), replyTo: messageId.optional() }),
  z.object({
    ...base,
    type: z.literal('reaction'),
    target: messageId,
    emoji: text(32).min(1),
    remove: z.boolean().optional(),
  }),
  z.object({ ...base, type: z.literal('edit'), target: messageId, text: text(MAX_TEXT_CHARS).min(1) }),
  z.object({ ...base, type: z.literal('delete'), target: messageId }),
  /** a facilitator or admin pins (or unpins) a bulletin: the signed word on what is carried to newcomers */
  z.object({ ...base, type: z.literal('pin'), target: messageId, pinned: z.boolean() }),
  /** one or more encrypted files (attachment.ts), with an optional caption */
  z.object({
    ...base,
    type: z.literal('attachment'),
    attachments: z.array(attachmentDescriptorSchema).min(1).max(MAX_ATTACHMENTS),
    text: text(MAX_TEXT_CHARS).min(1).optional(),
    replyTo: messageId.optional(),
  }),
  /**
   * An urgent help request or its acknowledgement, sealed to the group's
   * facilitators, admins and the requester (urgent-help.ts); other members
   * read only that something sealed was sent.
   */
  z.object({
    ...base,
    type: z.literal('urgent-help'),
    sealed: z
      .string()
      .max(MAX_SEALED_URGENT_CHARS)
      .regex(/^[A-Za-z0-9_-]+$/),
  }),
  z.object({ ...base, type: z.literal('profile'), displayName: text(MAX_NAME_CHARS).min(1) }),
  z.object({ ...base, type: z.literal('group-name'), name: text(MAX_NAME_CHARS).min(1) }),
  epochCheck,
  carriedBulletin,
]);

/** A plaintext as the application builds it (the version is added on encoding). */
export type Plaintext = DistributiveOmit<z.infer<typeof plaintextSchema>, 'v'>;
export type PlaintextType = Plaintext['type'];
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A well-formed plaintext from a newer client: a type or version this one does not know. */
export interface UnsupportedPlaintext {
  type: 'unsupported';
  originalType: string;
  version: number;
  sentAt?: number;
}

export type DecodedPlaintext = Plaintext | UnsupportedPlaintext;

export class PlaintextError extends Error {
  constructor(
    readonly code: 'malformed' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'PlaintextError';
  }
}

/** Which types may travel under which envelope kind. */
const ALLOWED: Record<MessageKind, readonly PlaintextType[]> = {
  message: ['text', 'reaction', 'edit', 'delete', 'urgent-help', 'attachment'],
  bulletin: ['text', 'edit', 'delete', 'pin'],
  // urgent-help: in an announcement-only group a member's request goes as a meta message (urgent-help.ts)
  meta: ['profile', 'group-name', 'epoch-check', 'carried-bulletin', 'urgent-help'],
};

export function typeAllowedIn(kind: MessageKind, type: PlaintextType): boolean {
  return ALLOWED[kind].includes(type);
}

export function encodePlaintext(p: Plaintext): Uint8Array {
  const parsed = plaintextSchema.safeParse({ ...p, v: PLAINTEXT_VERSION });
  if (!parsed.success) throw new PlaintextError('invalid', `invalid ${p.type} plaintext`);
  return utf8(JSON.stringify(parsed.data));
}

/**
 * Decodes a plaintext. An unknown type or a newer version yields an
 * UnsupportedPlaintext; bytes that are not a plaintext object at all, or a
 * known type with bad fields, throw PlaintextError('malformed').
 */
export function decodePlaintext(bytes: Uint8Array): DecodedPlaintext {
  let raw: unknown;
  try {
    raw = JSON.parse(fromUtf8(bytes));
  } catch {
    throw new PlaintextError('malformed', 'plaintext is not UTF-8 JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new PlaintextError('malformed', 'plaintext is not an object');
  const { v, type, sentAt: at } = raw as Record<string, unknown>;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || typeof type !== 'string')
    throw new PlaintextError('malformed', 'plaintext has no version or type');
  const known = plaintextSchema.options.some((o) => o.shape.type.value === type);
  if (v > PLAINTEXT_VERSION || !known) {
    const out: UnsupportedPlaintext = { type: 'unsupported', originalType: type.slice(0, 64), version: v };
    if (typeof at === 'number' && Number.isInteger(at) && at >= 0) out.sentAt = at;
    return out;
  }
  const parsed = plaintextSchema.safeParse(raw);
  if (!parsed.success) throw new PlaintextError('malformed', `malformed ${type} plaintext`);
  const { v: _v, ...rest } = parsed.data;
  return rest as Plaintext;
}
