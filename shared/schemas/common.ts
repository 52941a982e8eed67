// Building blocks of every wire schema: ids, base64url byte strings with size
// limits, and the one error shape.
import { z } from 'zod';
import { b64ByteLength } from '../crypto/encoding';
import { GRANTABLE_ROLES, MESSAGE_KINDS, ROLES } from '../protocol/posting-rules';

const B64URL = /^[A-Za-z0-9_-]*$/;

/** base64url (no padding) of between min and max bytes. */
export function b64Bytes(min: number, max: number) {
  return z
    .string()
    .max(Math.ceil((max * 4) / 3))
    .regex(B64URL, 'must be base64url without padding')
    .refine((s) => s.length % 4 !== 1 && b64ByteLength(s) >= min && b64ByteLength(s) <= max, {
      message: `must encode ${min === max ? min : `${min} to ${max}`} bytes`,
    });
}

/** Random or derived identifiers: base64url, 16 to 64 characters. */
export const idSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'must be an id');
export const key32Schema = b64Bytes(32, 32);
export const signatureSchema = b64Bytes(64, 64);
export const unixSeconds = z.number().int().nonnegative();

export const roleSchema = z.enum(ROLES);
export const grantableRoleSchema = z.enum(GRANTABLE_ROLES);
export const messageKindSchema = z.enum(MESSAGE_KINDS);

export const okSchema = z.object({ ok: z.literal(true) });

export const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
  }),
});

export const groupParams = z.object({ groupId: idSchema });
