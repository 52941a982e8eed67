// One epoch's envelopes travel in one upload: the largest batch the schema
// allows (5,000 recipients, the members a group can hold) must get past the
// request body limit and be stored whole, or a large group could not change
// its roster at all. On Workers the rows go to D1 in multi-row statements
// (D1 binds at most 100 parameters per statement), so the Worker run uses a
// group of 300: more envelopes than one statement holds, in a few seconds.
import { describe, expect, it } from 'vitest';
import { growGroup, registerDevices } from '../../bench/lib/population';
import { RelayApi } from '../../client/sdk/relay-api';
import { toB64 } from '../../shared/crypto/encoding';
import { randomBytes } from '../../shared/crypto/primitives';
import { MAX_MEMBERS } from '../../shared/protocol/roster';
import {
  MAX_ENVELOPE_BATCH_BODY_BYTES,
  MAX_ENVELOPES_PER_BATCH,
  MAX_SEALED_ENVELOPE_BYTES,
} from '../../shared/schemas/key-envelopes';
import { makeServerGroup, useServer } from '../support/fixtures';
import { expectError, expectOk, requestDeclaringLength, requestOnFreshConnection } from '../support/http';
import { onWorker } from '../support/targets';

// Growing a group of thousands registers and admits every device: no rate limit in the way.
const server = useServer({ env: { REGISTRATIONS_PER_MINUTE: '1000000', MESSAGES_PER_SECOND: '1000000' } });

/** A group this big is grown for the accepted-batch test: the cap on Node, past one D1 statement on Workers. */
const MEMBERS = onWorker ? 300 : MAX_MEMBERS;

/** The largest valid batch for these recipients (ids at 64 characters unless given): every envelope at its largest. */
function largestBatch(epoch: number, recipients: readonly string[] = []): string {
  const sealed = toB64(randomBytes(MAX_SEALED_ENVELOPE_BYTES));
  const envelopes = Array.from({ length: MAX_ENVELOPES_PER_BATCH }, (_, i) => ({
    recipient: recipients[i] ?? toB64(randomBytes(48)),
    sealed,
  }));
  return JSON.stringify({ epoch, envelopes });
}

describe('envelope uploads', () => {
  it('a batch for 5,000 recipients at the largest envelope size passes the body limit (and is then judged by the roster)', async () => {
    expect(MAX_ENVELOPES_PER_BATCH).toBe(5000);
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

  it('a body one byte over the envelope batch limit is 413 payload_too_large and stores nothing', async () => {
    const { admin, groupId } = await makeServerGroup(server.current, []);
    const body = largestBatch(1, [admin.id]);
    const padded = body.replace(
      '{"epoch"',
      `{"pad":"${'x'.repeat(MAX_ENVELOPE_BATCH_BODY_BYTES - body.length - 8)}","epoch"`,
    );
    expect(padded.length).toBe(MAX_ENVELOPE_BATCH_BODY_BYTES + 1);
    const path = `/v1/groups/${groupId}/key-envelopes`;
    const authorization = `Bearer ${admin.token}`;
    // Node refuses by the declared length at once: sending 13.5 MiB it will not read, to a socket it closes,
    // lost the answer behind a reset on a loaded machine. workerd's front end reads the body first.
    const res = onWorker
      ? await requestOnFreshConnection(server.current.url, 'POST', path, padded, { authorization })
      : await requestDeclaringLength(server.current.url, 'POST', path, padded.length, { authorization });
    expectError(res, 413, 'payload_too_large');
    const { envelopes } = expectOk(await admin.req('GET', `/v1/groups/${groupId}/key-envelopes`));
    expect(envelopes).toEqual([]);
  });

  it(`an epoch's envelopes for a group of ${MEMBERS.toLocaleString('en')} upload in one batch and each member fetches her own`, async () => {
    const devices = await registerDevices(server.current.url, MEMBERS);
    const { groupId, state } = await growGroup(
      server.current.url,
      devices,
      devices.map((_, i) => i),
    );
    // a distinct envelope per member, at the largest size, so a member can tell hers from the others'
    const sealed = devices.map(() => toB64(randomBytes(MAX_SEALED_ENVELOPE_BYTES)));
    const envelopes = devices.map((d, i) => ({ recipient: d.deviceId, sealed: sealed[i]! }));
    // a fresh connection: a body this size on a pooled keep-alive one the server just closed fails with EPIPE
    const upload = () =>
      requestOnFreshConnection<{ stored: number }>(
        server.current.url,
        'POST',
        `/v1/groups/${groupId}/key-envelopes`,
        JSON.stringify({ epoch: state.epoch, envelopes }),
        { authorization: `Bearer ${devices[0]!.token}` },
      );
    expect(expectOk(await upload()).stored).toBe(MEMBERS);
    for (const i of [0, 1, Math.floor(MEMBERS / 2), MEMBERS - 1]) {
      const member = new RelayApi(server.current.url);
      member.token = devices[i]!.token;
      const hers = await member.envelopes(groupId);
      expect(hers.map((e) => [e.epoch, e.sealed])).toEqual([[state.epoch, sealed[i]]]);
    }
    // a retried upload stores nothing twice
    expect(expectOk(await upload()).stored).toBe(0);
  }, 120_000);
});
