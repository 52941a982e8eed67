import { z } from 'zod';
import { b64Bytes, idSchema, roleSchema, signatureSchema } from './common';

/** A roster commit on the wire: the exact signed body bytes and the signature. */
export const signedCommitSchema = z.object({
  body: b64Bytes(1, 16 * 1024),
  sig: signatureSchema,
});

export const createGroupBody = z.object({ genesis: signedCommitSchema });

export const groupSummarySchema = z.object({
  groupId: idSchema,
  role: roleSchema,
  rosterSeq: z.number().int(),
  epoch: z.number().int(),
  lastSeq: z.number().int(),
  retentionSeconds: z.number().int().nullable(),
  announcementOnly: z.boolean(),
});
export type GroupSummary = z.infer<typeof groupSummarySchema>;
export const groupListResponse = z.object({ groups: z.array(groupSummarySchema) });

export const rosterQuery = z.object({
  after: z.coerce.number().int().min(-1).default(-1),
});
export const rosterEntrySchema = z.object({ seq: z.number().int(), commit: signedCommitSchema });
export const rosterResponse = z.object({ commits: z.array(rosterEntrySchema) });
/** The relay answers at most this many commits per roster request; a full page means ask again after its last. */
export const ROSTER_PAGE = 500;

export const appendCommitBody = z.object({ commit: signedCommitSchema });
export const commitResultSchema = z.object({
  groupId: idSchema,
  seq: z.number().int(),
  head: z.string(),
  epoch: z.number().int(),
});
