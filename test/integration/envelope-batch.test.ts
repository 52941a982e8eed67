// One epoch's envelopes travel in one upload: the largest batch the schema
// allows (1,000 recipients, the members a group can hold) must get past the
// request body limit, or a large group could not change its roster at all.
import { describe, expect, it } from 'vitest';
import { toB64 } from '../../shared/crypto/encoding';
import { randomBytes } from '../../shared/crypto/primitives';
import {
  MAX_ENVELOPE_BATCH_BODY_BYTES,
  MAX_ENVELOPES_PER_BATCH,
  MAX_SEALED_ENVELOPE_BYTES,
} from '../../shared/schemas/key-envelopes';
import { makeServerGroup, useServer } from '../support/fixtures';
import { expectError, requestOnFreshConnection } from '../support/http';

const server = useServer();

/** The largest valid batch: every recipient id at 64 characters, every envelope at its largest. */
function largestBatch(epoch: number): string {
  const sealed = toB64(randomBytes(MAX_SEALED_ENVELOPE_BYTES));
  const envelopes = Array.from({ length: MAX_ENVELOPES_PER_BATCH }, () => ({
    recipient: toB64(randomBytes(48)),
    sealed,
  }));
  return JSON.stringify({ epoch, envelopes });
}

describe('envelope uploads', () => {
  it('a batch for 1,000 recipients at the largest envelope size passes the body limit (and is then judged by the roster)', async () => {
    const { admin, groupId } = await makeServerGroup(server.current, []);
    const body = largestBatch(1);
    expect(body.length).toBeLessThanOrEqual(MAX_ENVELOPE_BATCH_BODY_BYTES);
    expect(body.length).toBeGreaterThan(128 * 1024);
    const res = await requestOnFreshConnection(
      server.current.url,
      'POST',
      `/v1/groups/${groupId}/key-envelopes`,
      body,
      {
        authorization: `Bearer ${admin.token}`,
      },
    );
    // none of these recipients is a member: refused by the relay's roster check, not by the size
    expectError(res, 400, 'envelope_recipient_invalid');
  });

  it('a body one byte over the envelope batch limit is 413 payload_too_large', async () => {
    const { admin, groupId } = await makeServerGroup(server.current, []);
    const body = largestBatch(1);
    const padded = body.replace(
      '{"epoch"',
      `{"pad":"${'x'.repeat(MAX_ENVELOPE_BATCH_BODY_BYTES - body.length - 8)}","epoch"`,
    );
    expect(padded.length).toBe(MAX_ENVELOPE_BATCH_BODY_BYTES + 1);
    const res = await requestOnFreshConnection(
      server.current.url,
      'POST',
      `/v1/groups/${groupId}/key-envelopes`,
      padded,
      {
        authorization: `Bearer ${admin.token}`,
      },
    );
    expectError(res, 413, 'payload_too_large');
  });
});
