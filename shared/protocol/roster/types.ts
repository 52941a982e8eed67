// The roster's vocabulary: roles, operations, commit bodies. Bodies are
// validated with zod because a server and a client both parse ones they did
// not write.
import { z } from 'zod';
import { roleSchema } from '../../schemas/common';
import type { Role } from '../posting-rules';

export { ROLES, type Role } from '../posting-rules';

export const MAX_OPS_PER_COMMIT = 64;
/**
 * The most members a group holds: a network-wide bulletin group (every member
 * of every centre) passes 1,000. Every limit sized by the group (the envelope
 * batch, an invite's uses) derives from this one.
 */
export const MAX_MEMBERS = 5000;
export const MAX_RETENTION_SECONDS = 10 * 365 * 24 * 3600;
export const MAX_HELP_NUMBERS = 5;

const id = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
const key32 = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

export const rosterOpSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('add'), device: id, signPk: key32, role: roleSchema }).strict(),
  z.object({ op: z.literal('remove'), device: id }).strict(),
  z.object({ op: z.literal('set-role'), device: id, role: roleSchema }).strict(),
  z
    .object({
      op: z.literal('settings'),
      /** null keeps messages until members delete them */
      retentionSeconds: z.number().int().min(3600).max(MAX_RETENTION_SECONDS).nullable().optional(),
      /** only facilitators and admins may post chat messages */
      announcementOnly: z.boolean().optional(),
      /** seconds without an acknowledgement before a requester's app shows the help numbers (urgent-help.ts) */
      urgentAnswerSeconds: z.number().int().min(5).max(86_400).optional(),
      /** phone numbers her app shows when no one answered her urgent request in time; never dialled by itself */
      helpNumbers: z
        .array(z.string().regex(/^[0-9+*#() -]{2,24}$/))
        .max(MAX_HELP_NUMBERS)
        .optional(),
    })
    .strict(),
]);
export type RosterOp = z.infer<typeof rosterOpSchema>;

export const commitBodySchema = z
  .object({
    v: z.literal(1),
    group: id,
    seq: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31),
    /** hash of the previous commit; null only in the genesis */
    prev: key32.nullable(),
    epoch: z
      .number()
      .int()
      .min(1)
      .max(2 ** 31),
    author: id,
    ops: z.array(rosterOpSchema).max(MAX_OPS_PER_COMMIT),
  })
  .strict();
export type CommitBody = z.infer<typeof commitBodySchema>;

/** A commit as stored and sent: the exact signed bytes and the signature. */
export interface SignedCommit {
  body: string; // base64url of the UTF-8 JSON body
  sig: string; // base64url Ed25519 signature
}

export interface Member {
  role: Role;
  signPk: string;
}

export interface GroupSettings {
  retentionSeconds: number | null;
  announcementOnly: boolean;
  /** absent: the default wait (urgent-help.ts) */
  urgentAnswerSeconds?: number;
  /** absent: none configured */
  helpNumbers?: string[];
}

export interface RosterState {
  group: string;
  seq: number;
  head: string;
  epoch: number;
  members: ReadonlyMap<string, Member>;
  settings: GroupSettings;
}

export type RosterErrorCode =
  | 'roster_malformed'
  | 'roster_bad_signature'
  | 'roster_not_admin'
  | 'roster_bad_sequence'
  | 'roster_bad_prev'
  | 'roster_bad_epoch'
  | 'roster_illegal_op';

export class RosterError extends Error {
  constructor(
    readonly code: RosterErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RosterError';
  }
}
