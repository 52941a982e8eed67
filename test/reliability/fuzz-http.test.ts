// Fuzzing every HTTP operation that /openapi.json lists: path parameters,
// queries, tokens and bodies drawn from the operation's own schemas,
// mutations of a valid body, and random bytes. Whatever comes in, the server
// answers below 500, every error is the one JSON shape with a stable code, a
// refused request leaves every stored table as it was (a digest of the SQLite
// file, read beside the running server), and the server is still healthy
// with nothing internal in its log. Known-good values keep the fuzzer past
// validation: all but a few operations also succeed now and then.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toB64 } from '../../shared/crypto/encoding';
import { randomBytes as cryptoRandomBytes } from '../../shared/crypto/primitives';
import { cryptoReady } from '../../shared/crypto/sodium';
import { attachmentCiphertextBytes } from '../../shared/protocol/attachment';
import { signCommit } from '../../shared/protocol/roster';
import { uploadBlob } from '../../client/sdk/blob-transfer';
import { RelayApi } from '../../client/sdk/relay-api';
import { admit, newId, TestDevice } from '../support/api-client';
import { DbFile } from '../support/db-file';
import { fromSchema, type JsonSchema, mutationOf, randomBytes } from '../support/fuzz';
import { type ApiResponse, expectErrorShape, expectOk, request } from '../support/http';
import { type ServerProcess, startServer } from '../support/server-process';

/** Runs per operation: schema-drawn and mutated requests, then random-byte bodies. */
const RUNS = 60;
const BYTE_RUNS = 16;

interface Operation {
  method: string;
  path: string;
  params: { name: string; in: 'path' | 'query'; schema: JsonSchema }[];
  body?: JsonSchema;
}

let server: ServerProcess;
let file: DbFile;
let admin: TestDevice;
let member: TestDevice;
let groupId: string;
let operations: Operation[];
/**
 * Known-good values, so that some fuzzed requests get past validation. A body
 * given as a function is made when its operation's turn comes, against the
 * state the earlier operations left (a login challenge, the roster's head).
 */
let valid: { params: Record<string, string>; bodies: Record<string, unknown | (() => Promise<unknown>)> };
let baseline: string;
let cases = 0;
/** per operation, the statuses it answered with */
const statuses = new Map<string, Set<number>>();
let code: string;
let otherCode: string;

beforeAll(async () => {
  await cryptoReady();
  server = await startServer({
    env: {
      MESSAGES_PER_SECOND: '100000',
      INVITE_REDEEM_LIMIT: '100000',
      LOGIN_CHALLENGES_PER_MINUTE: '100000',
      // Push on, to a local port nothing listens on: the push routes are fuzzed past their validation too.
      VAPID_SUBJECT: 'mailto:fuzz@example.org',
      PUSH_ALLOWED_ORIGINS: 'http://127.0.0.1:9',
    },
  });
  admin = await TestDevice.create(server);
  member = await TestDevice.create(server);
  groupId = await admin.createGroup();
  await admit(admin, member, groupId);
  const newcomer = await TestDevice.create(server);
  let invite: { inviteId: string };
  ({ code, invite } = expectOk(await admin.createInvite(groupId, { maxUses: 50 }), 201));
  const request_ = expectOk(await newcomer.redeem(code), 201);
  // a code of another group, which the fuzzed rotation of the first one leaves valid
  ({ code: otherCode } = expectOk(await admin.createInvite(await admin.createGroup(), { maxUses: 50 }), 201));
  const { seq } = expectOk(await admin.post(groupId, { kind: 'bulletin' }), 201);
  const spare = new TestDevice(server);
  const { deviceId: _d, ...registration } = spare.pub;
  const newGroup = newId();
  // a finished attachment blob of the group, for the blob routes' valid id
  const blobApi = new RelayApi(server.url);
  blobApi.token = admin.token;
  const blobSize = attachmentCiphertextBytes(1);
  const blobBytes = (async function* () {
    yield cryptoRandomBytes(blobSize);
  })();
  const { blobId } = await uploadBlob(blobApi, groupId, blobSize, blobBytes);
  valid = {
    params: {
      groupId,
      inviteId: invite.inviteId,
      requestId: request_.requestId,
      deviceId: admin.id,
      seq: String(seq),
      after: '0',
      afterEpoch: '0',
      limit: '10',
      blobId,
      index: '0',
    },
    bodies: {
      'post /v1/devices': registration,
      'post /v1/auth/challenge': { deviceId: admin.id },
      'post /v1/auth/login': async () => {
        const challenge = await admin.challenge();
        return { deviceId: admin.id, challenge, signature: admin.signChallenge(challenge) };
      },
      'post /v1/groups': {
        genesis: signCommit(
          {
            v: 1,
            group: newGroup,
            seq: 0,
            prev: null,
            epoch: 1,
            author: admin.id,
            ops: [{ op: 'add', device: admin.id, signPk: admin.pub.signPk, role: 'admin' }],
          },
          admin.keys.signSk,
        ),
      },
      'post /v1/groups/{groupId}/roster': async () => {
        await admin.syncRoster(groupId);
        return { commit: admin.buildCommit(groupId, [{ op: 'settings', announcementOnly: false }]) };
      },
      'post /v1/groups/{groupId}/invites': { role: 'member', maxUses: 2, expiresInSeconds: 3600 },
      'post /v1/groups/{groupId}/invites/rotate': { role: 'member', maxUses: 2 },
      'post /v1/invites/preview': { code: otherCode },
      'post /v1/invites/redeem': { code: otherCode, introduction: toB64(cryptoRandomBytes(32)) },
      'post /v1/groups/{groupId}/join-requests/{requestId}/approve': async () => {
        // the revocations, rotations and bulk rejections fuzzed before discard pending requests: file a fresh one
        const fresh = expectOk(await admin.createInvite(groupId, { maxUses: 50 }), 201);
        valid.params.requestId = expectOk(await newcomer.redeem(fresh.code), 201).requestId;
        baseline = file.digest();
        await admin.syncRoster(groupId);
        return { commit: admin.admitCommit(groupId, newcomer.pub, 'member') };
      },
      'post /v1/groups/{groupId}/blobs': { size: blobSize, deleteToken: toB64(cryptoRandomBytes(32)) },
      'post /v1/groups/{groupId}/key-envelopes': {
        epoch: 2,
        envelopes: [{ recipient: member.id, sealed: toB64(cryptoRandomBytes(80)) }],
      },
      'post /v1/groups/{groupId}/messages': async () => {
        await member.syncRoster(groupId);
        return member.postBody(groupId);
      },
      'put /v1/groups/{groupId}/messages/{seq}/pin': { pinned: true },
      'put /v1/push/subscription': { endpoint: 'http://127.0.0.1:9/wpush/fuzz' },
    },
  };
  const doc = expectOk(await request(server.url, 'GET', '/openapi.json'));
  operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method,
      path,
      params: (op.parameters ?? []) as Operation['params'],
      body: op.requestBody?.content?.['application/json']?.schema as JsonSchema | undefined,
    })),
  );
  file = new DbFile(server.dbPath);
  baseline = file.digest();
});

afterAll(async () => {
  file?.close();
  await server?.destroy();
});

/** A value for a path parameter: a real one, a random id, or junk (percent-encoded). */
const paramValue = (name: string, schema: JsonSchema) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(valid.params[name] ?? newId()) },
    { weight: 1, arbitrary: fc.constant(newId()) },
    { weight: 2, arbitrary: fromSchema(schema).map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))) },
  );

/** Logging out with a real token would end the fuzzer's own sessions; those two get no real token. */
const tokenFor = (op: Operation) => {
  const garbage = fc.oneof(fc.constant(''), fc.constant(toB64(cryptoRandomBytes(32))), fc.string({ maxLength: 40 }));
  return op.path.startsWith('/v1/auth/logout')
    ? garbage
    : fc.oneof({ weight: 3, arbitrary: fc.constantFrom(admin.token, member.token) }, { weight: 1, arbitrary: garbage });
};

function requestFor(op: Operation, body: fc.Arbitrary<unknown>) {
  const params = op.params.map((p) => paramValue(p.name, p.schema).map((v) => [p, v] as const));
  return fc.record({ params: fc.tuple(...params), token: tokenFor(op), body });
}

/** Percent-encodes every byte outside the unreserved set (lone surrogates become U+FFFD, as on the wire). */
function encodeSegment(value: string): string {
  const out = [...Buffer.from(value, 'utf8')].map((b) =>
    /[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`,
  );
  return out.join('') || '%20';
}

function urlOf(op: Operation, params: readonly (readonly [Operation['params'][number], string])[]): string {
  let path = op.path;
  const query = new URLSearchParams();
  for (const [p, v] of params) {
    if (p.in === 'path') path = path.replace(`{${p.name}}`, encodeSegment(v));
    else query.set(p.name, v);
  }
  const q = query.toString();
  return q ? `${path}?${q}` : path;
}

/** Sends one request and checks the contract; a refusal must leave the stored state alone. */
async function check(
  op: Operation,
  path: string,
  token: string,
  payload: string | Uint8Array | undefined,
  contentType = 'application/json',
): Promise<void> {
  cases++;
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (payload !== undefined) headers['content-type'] = contentType;
  const res = await fetch(`${server.url}${path}`, {
    method: op.method.toUpperCase(),
    headers,
    body: typeof payload === 'string' || payload === undefined ? payload : Buffer.from(payload),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const answer: ApiResponse = { status: res.status, body, text, headers: res.headers };
  const label = `${op.method} ${path} -> ${res.status} ${text.slice(0, 200)}`;
  const key = `${op.method} ${op.path}`;
  statuses.set(key, (statuses.get(key) ?? new Set()).add(res.status));
  expect(res.status, label).toBeLessThan(500);
  const after = file.digest();
  if (res.status >= 400) {
    expectErrorShape(answer);
    expect(after === baseline, `state changed by a refused request: ${label}`).toBe(true);
  }
  baseline = after;
}

describe('HTTP fuzzing of every operation in /openapi.json', () => {
  it('found the operations', () => {
    expect(operations.length).toBeGreaterThanOrEqual(27);
  });

  it('schema-drawn and mutated requests: < 500, stable error codes, refusals change nothing', {
    timeout: 180_000,
  }, async () => {
    for (const op of operations) {
      const key = `${op.method} ${op.path}`;
      const made = valid.bodies[key];
      const good = typeof made === 'function' ? await made() : made;
      const bodies: fc.Arbitrary<unknown>[] = [];
      if (op.body) bodies.push(fromSchema(op.body));
      if (good !== undefined) bodies.push(mutationOf(good, op.body), fc.constant(good));
      const body = op.body ? fc.oneof(...bodies) : fc.constant(undefined);
      await fc.assert(
        fc.asyncProperty(requestFor(op, body), async ({ params, token, body }) => {
          await check(
            op,
            urlOf(op, params),
            token,
            body === undefined || op.method === 'get' ? undefined : JSON.stringify(body),
          );
        }),
        { numRuns: RUNS },
      );
    }
  });

  it('random bytes as the body, under several content types', { timeout: 120_000 }, async () => {
    const contentType = fc.constantFrom(
      'application/json',
      'text/plain',
      'application/octet-stream',
      'application/json; charset=utf-16',
      'multipart/form-data; boundary=x',
    );
    for (const op of operations.filter((o) => o.method !== 'get')) {
      await fc.assert(
        fc.asyncProperty(requestFor(op, randomBytes), contentType, async ({ params, token, body }, type) => {
          await check(op, urlOf(op, params), token, body as Uint8Array, type);
        }),
        { numRuns: BYTE_RUNS },
      );
    }
  });

  it(`the server survived it all (${RUNS} + ${BYTE_RUNS} cases per operation) with nothing internal logged`, async () => {
    expect(cases).toBeGreaterThan(1500);
    const summary = [...statuses].map(([k, v]) => `${k}: ${[...v].sort().join(',')}`).join('\n');
    console.info(summary);
    // the fuzzer got past validation: most operations also succeeded now and then
    // (not the logouts, which get no real token, nor the key rotation, which gets no valid body)
    // The attachment routes that need an unfinished upload of the caller's, exact part bytes or the
    // blob's delete token are refused here (the valid blob id names a finished blob, whose download
    // and a new reservation do succeed); attachments.test.ts takes each of them to success.
    const needState = new Set(
      ['get', 'put', 'post', 'delete'].flatMap((m) =>
        ['/upload', '/parts/{index}', '/complete', ''].map((tail) => `${m} /v1/groups/{groupId}/blobs/{blobId}${tail}`),
      ),
    );
    needState.delete('get /v1/groups/{groupId}/blobs/{blobId}');
    const succeeded = [...statuses].filter(([k, v]) => needState.has(k) || [...v].some((s) => s < 300));
    expect(succeeded.length, summary).toBeGreaterThanOrEqual(operations.length - 5);
    expectOk(await request(server.url, 'GET', '/healthz'));
    expect(server.logs()).not.toMatch(/internal_error|ws_error|\n\s+at /);
    // whatever was thrown at it, the log quotes none of it
    const secrets = [admin.token, member.token, code, otherCode, groupId];
    expect(secrets.filter((s) => server.logs().includes(s))).toEqual([]);
  });
});
