import { z } from 'zod';
import { b64Bytes, idSchema } from './common';

export const MAX_ENVELOPES_PER_BATCH = 1000;

export const uploadEnvelopesBody = z.object({
  epoch: z.number().int().min(1),
  envelopes: z
    .array(z.object({ recipient: idSchema, sealed: b64Bytes(32, 2048) }))
    .min(1)
    .max(MAX_ENVELOPES_PER_BATCH),
});
export const uploadEnvelopesResponse = z.object({ stored: z.number().int() });

export const envelopeQuery = z.object({ afterEpoch: z.coerce.number().int().min(0).default(0) });
export const keyEnvelopeSchema = z.object({ groupId: idSchema, epoch: z.number().int(), sealed: z.string() });
export const envelopeListResponse = z.object({ envelopes: z.array(keyEnvelopeSchema) });

/** POST /v1/groups/{groupId}/rekey: the request was passed on to the admins online now (nothing is stored). */
export const rekeyResponse = z.object({ ok: z.literal(true) });
