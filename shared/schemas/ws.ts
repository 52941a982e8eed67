// WebSocket frames, JSON text. The first client frame must be `auth`.
import { z } from 'zod';
import { idSchema } from './common';
import { keyEnvelopeSchema } from './key-envelopes';
import { joinRequestViewSchema } from './join-requests';
import { signedCommitSchema } from './groups';
import { postMessageBody, storedMessageSchema } from './messages';

export const MAX_FRAME_BYTES = 96 * 1024;

export const WS_CLOSE = {
  normal: 1000,
  goingAway: 1001,
  unauthenticated: 4001,
  tooManyConnections: 4003,
  slowConsumer: 4008,
  frameTooLarge: 1009,
} as const;

const ref = z.string().min(1).max(64);

export const clientFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auth'), token: z.string().min(1).max(128) }),
  postMessageBody.extend({ type: z.literal('post'), ref, groupId: idSchema }),
  z.object({ type: z.literal('ping') }),
]);

export const serverFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), deviceId: idSchema, groups: z.array(idSchema) }),
  z.object({ type: z.literal('ack'), ref, groupId: idSchema, seq: z.number().int(), duplicate: z.boolean() }),
  z.object({ type: z.literal('error'), ref: ref.optional(), code: z.string(), message: z.string() }),
  z.object({ type: z.literal('message'), groupId: idSchema, message: storedMessageSchema }),
  z.object({ type: z.literal('roster'), groupId: idSchema, seq: z.number().int(), commit: signedCommitSchema }),
  keyEnvelopeSchema.extend({ type: z.literal('key-envelope') }),
  z.object({ type: z.literal('join-request'), groupId: idSchema, request: joinRequestViewSchema }),
  /** to the group's admins: a member asks for a fresh epoch (an envelope came sealed to a key she retired) */
  z.object({ type: z.literal('rekey'), groupId: idSchema }),
  z.object({ type: z.literal('pong') }),
]);
export type ServerFrame = z.infer<typeof serverFrameSchema>;
