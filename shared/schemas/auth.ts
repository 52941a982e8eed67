import { z } from 'zod';
import { b64Bytes, idSchema, signatureSchema, unixSeconds } from './common';

export const challengeBody = z.object({ deviceId: idSchema });
export const challengeResponse = z.object({ challenge: b64Bytes(32, 32), expiresAt: unixSeconds });

export const loginBody = z.object({
  deviceId: idSchema,
  challenge: b64Bytes(32, 32),
  signature: signatureSchema,
});
export const loginResponse = z.object({
  token: z.string(),
  deviceId: idSchema,
  expiresAt: unixSeconds,
});
export const logoutAllResponse = z.object({ ok: z.literal(true), revoked: z.number().int() });
