import { z } from 'zod';
import { MAX_MEMBERS } from '../protocol/roster/types';
import { b64Bytes, idSchema } from './common';

/** One epoch's batch holds one envelope per member (the admin's own included). */
export const MAX_ENVELOPES_PER_BATCH = MAX_MEMBERS;
export const MAX_SEALED_ENVELOPE_BYTES = 2048;

/**
 * The request body limit of an envelope upload: the largest valid batch (every
 * recipient id at 64 characters, every envelope at its largest, in base64url,
 * with the JSON around them) fits. One epoch's batch goes in one request, so
 * the relay keeps it whole or not at all; under the general 128 KiB limit a
 * group of more than about 260 members could not change its roster (a v1
 * envelope is about 430 base64 characters).
 */
export const MAX_ENVELOPE_BATCH_BODY_BYTES =
  64 + MAX_ENVELOPES_PER_BATCH * (32 + 64 + Math.ceil((MAX_SEALED_ENVELOPE_BYTES * 4) / 3));

export const uploadEnvelopesBody = z.object({
  epoch: z.number().int().min(1),
  envelopes: z
    .array(z.object({ recipient: idSchema, sealed: b64Bytes(32, MAX_SEALED_ENVELOPE_BYTES) }))
    .min(1)
    .max(MAX_ENVELOPES_PER_BATCH),
});
export const uploadEnvelopesResponse = z.object({ stored: z.number().int() });

export const envelopeQuery = z.object({ afterEpoch: z.coerce.number().int().min(0).default(0) });
export const keyEnvelopeSchema = z.object({ groupId: idSchema, epoch: z.number().int(), sealed: z.string() });
export const envelopeListResponse = z.object({ envelopes: z.array(keyEnvelopeSchema) });

/** POST /v1/groups/{groupId}/rekey: the request was passed on to the admins online now (nothing is stored). */
export const rekeyResponse = z.object({ ok: z.literal(true) });
