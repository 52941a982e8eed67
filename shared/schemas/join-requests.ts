import { z } from 'zod';
import { grantableRoleSchema, idSchema, unixSeconds } from './common';
import { devicePublicSchema } from './devices';
import { signedCommitSchema } from './groups';

export const joinRequestViewSchema = z.object({
  requestId: idSchema,
  groupId: idSchema,
  inviteId: idSchema,
  role: grantableRoleSchema,
  device: devicePublicSchema,
  introduction: z.string(),
  createdAt: unixSeconds,
});
export type JoinRequestView = z.infer<typeof joinRequestViewSchema>;

export const joinRequestListResponse = z.object({ requests: z.array(joinRequestViewSchema) });
export const joinRequestParams = z.object({ groupId: idSchema, requestId: idSchema });
export const approveJoinBody = z.object({ commit: signedCommitSchema });
/** Bulk rejection: every pending request of the group, or only those filed with one invite. */
export const clearJoinRequestsQuery = z.object({ inviteId: idSchema.optional() });
export const clearJoinRequestsResponse = z.object({ removed: z.number().int().nonnegative() });

/** What a newcomer sees of her own pending requests. */
export const myJoinRequestSchema = z.object({
  requestId: idSchema,
  groupId: idSchema,
  role: grantableRoleSchema,
  createdAt: unixSeconds,
});
export const myJoinRequestsResponse = z.object({ requests: z.array(myJoinRequestSchema) });
