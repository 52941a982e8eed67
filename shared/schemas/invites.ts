import { z } from 'zod';
import { MAX_MEMBERS } from '../protocol/roster/types';
import { b64Bytes, grantableRoleSchema, idSchema, unixSeconds } from './common';
import { devicePublicSchema } from './devices';

export const MAX_INVITE_SECONDS = 30 * 24 * 3600;
/** One invite may bring in a whole group (a campaign's bulletin group). */
export const MAX_INVITE_USES = MAX_MEMBERS;

export const createInviteBody = z.object({
  role: grantableRoleSchema.default('member'),
  expiresInSeconds: z
    .number()
    .int()
    .min(60)
    .max(MAX_INVITE_SECONDS)
    .default(7 * 24 * 3600),
  maxUses: z.number().int().min(1).max(MAX_INVITE_USES).default(1),
  /** encrypted by the admin's client; the server never reads it */
  label: b64Bytes(0, 1024).default(''),
});

export const inviteViewSchema = z.object({
  inviteId: idSchema,
  groupId: idSchema,
  role: grantableRoleSchema,
  expiresAt: unixSeconds,
  maxUses: z.number().int(),
  uses: z.number().int(),
  revoked: z.boolean(),
  creator: idSchema,
  label: z.string(),
});
export type InviteView = z.infer<typeof inviteViewSchema>;

/** The code appears in this response only; the server keeps a hash. */
export const createdInviteResponse = z.object({ invite: inviteViewSchema, code: z.string() });
export const rotatedInviteResponse = createdInviteResponse.extend({ revoked: z.number().int() });
export const inviteListResponse = z.object({ invites: z.array(inviteViewSchema) });
export const inviteParams = z.object({ groupId: idSchema, inviteId: idSchema });

export const inviteCodeBody = z.object({ code: z.string().min(1).max(64) });
export const invitePreviewResponse = z.object({
  groupId: idSchema,
  inviteId: idSchema,
  role: grantableRoleSchema,
  /** who can read the introduction: the group's admins and their keys */
  admins: z.array(devicePublicSchema),
});

export const redeemInviteBody = inviteCodeBody.extend({
  /** sealed by the newcomer's client so that only admins can read it */
  introduction: b64Bytes(0, 8192).default(''),
});
