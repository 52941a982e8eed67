// The HTTP surface around the routes: health, OpenAPI, unknown routes, and
// the error contract for bad input (a clear 4xx with a stable code, no stack
// trace, nothing changed).
import { describe, expect, it } from 'vitest';
import { TestDevice } from '../support/api-client';
import { makeServerGroup, useServer } from '../support/fixtures';
import { expectError, expectOk, request, requestOnFreshConnection } from '../support/http';

const server = useServer();

/** Every route of the contract, in OpenAPI path syntax. */
const ROUTES: [string, string][] = [
  ['post', '/v1/devices'],
  ['get', '/v1/devices/{deviceId}'],
  ['put', '/v1/devices/me/kx'],
  ['post', '/v1/auth/challenge'],
  ['post', '/v1/auth/login'],
  ['post', '/v1/auth/logout'],
  ['post', '/v1/auth/logout-all'],
  ['post', '/v1/groups'],
  ['get', '/v1/groups'],
  ['get', '/v1/groups/{groupId}/roster'],
  ['post', '/v1/groups/{groupId}/roster'],
  ['post', '/v1/groups/{groupId}/invites'],
  ['get', '/v1/groups/{groupId}/invites'],
  ['post', '/v1/groups/{groupId}/invites/{inviteId}/revoke'],
  ['post', '/v1/groups/{groupId}/invites/rotate'],
  ['post', '/v1/invites/preview'],
  ['post', '/v1/invites/redeem'],
  ['get', '/v1/join-requests'],
  ['get', '/v1/groups/{groupId}/join-requests'],
  ['post', '/v1/groups/{groupId}/join-requests/{requestId}/approve'],
  ['post', '/v1/groups/{groupId}/join-requests/{requestId}/reject'],
  ['delete', '/v1/groups/{groupId}/join-requests'],
  ['post', '/v1/groups/{groupId}/key-envelopes'],
  ['get', '/v1/groups/{groupId}/key-envelopes'],
  ['post', '/v1/groups/{groupId}/messages'],
  ['get', '/v1/groups/{groupId}/messages'],
  ['get', '/v1/groups/{groupId}/bulletins/pinned'],
  ['put', '/v1/groups/{groupId}/messages/{seq}/pin'],
];

describe('service endpoints', () => {
  it('GET /healthz answers ok', async () => {
    const res = await request(server.current.url, 'GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
  });

  it('GET /openapi.json is an OpenAPI 3.1 document with every route', async () => {
    const res = await request(server.current.url, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\.1\./);
    const missing = ROUTES.filter(([method, path]) => !res.body.paths?.[path]?.[method]).map((r) => r.join(' '));
    expect(missing).toEqual([]);
  });

  // Outside /v1, GET falls back to the web app (client-side routes), so the
  // JSON 404 is checked on API paths and on other methods.
  it.each([
    ['POST', '/nope'],
    ['GET', '/v1/no-such-thing'],
    ['DELETE', '/v1/groups'],
    ['POST', '/v1/groups/abcdefghijklmnop/nothing'],
  ])('%s %s is a JSON 404 route_not_found', async (method, path) => {
    expectError(await request(server.current.url, method, path), 404, 'route_not_found');
  });
});

describe('no API response is kept by a cache', () => {
  it('Cache-Control: no-store on a success, a refusal, a bad request, an unknown route and a body over the limit', async () => {
    const { admin, groupId } = await makeServerGroup(server.current, []);
    const big = JSON.stringify({ signPk: 'A'.repeat(1024 * 1024) });
    const responses = {
      ok: await admin.listMessages(groupId),
      unauthenticated: await request(server.current.url, 'GET', '/v1/groups'),
      invalid: await request(server.current.url, 'GET', `/v1/groups/${groupId}/messages?after=-1`, undefined, {
        token: admin.token,
      }),
      unknown: await request(server.current.url, 'GET', '/v1/no-such-thing'),
      tooLarge: await requestOnFreshConnection(server.current.url, 'POST', '/v1/devices', big),
    };
    const seen = Object.fromEntries(
      Object.entries(responses).map(([k, r]) => [k, `${r.status} ${r.headers.get('cache-control')}`]),
    );
    expect(seen).toEqual({
      ok: '200 no-store',
      unauthenticated: '401 no-store',
      invalid: '400 no-store',
      unknown: '404 no-store',
      tooLarge: '413 no-store',
    });
  });
});

describe('bad input gets a clear 4xx, never a stack trace, and changes nothing', () => {
  it('malformed JSON is 400 bad_request', async () => {
    const d = new TestDevice(server.current);
    expectError(
      await request(server.current.url, 'POST', '/v1/devices', undefined, { rawBody: '{"signPk":' }),
      400,
      'bad_request',
    );
    // nothing was registered: the device cannot ask for a challenge
    expectError(
      await request(server.current.url, 'POST', '/v1/auth/challenge', { deviceId: d.id }),
      404,
      'device_not_found',
    );
  });

  it('malformed JSON on an authenticated route is 400 bad_request', async () => {
    const { admin, groupId } = await makeServerGroup(server.current, []);
    expectError(
      await admin.req('POST', `/v1/groups/${groupId}/messages`, undefined, { rawBody: '[1,' }),
      400,
      'bad_request',
    );
    expect(expectOk(await admin.listMessages(groupId)).messages).toEqual([]);
  });

  it('a schema violation is 400 validation_failed', async () => {
    expectError(
      await request(server.current.url, 'POST', '/v1/devices', { signPk: 'x', kxVersion: -1 }),
      400,
      'validation_failed',
    );
    expectError(
      await request(server.current.url, 'POST', '/v1/auth/challenge', { deviceId: '../../etc' }),
      400,
      'validation_failed',
    );
  });

  it('a ciphertext that is not a bucket length is 400 validation_failed and not stored', async () => {
    const { admin, groupId } = await makeServerGroup(server.current, []);
    expectError(await admin.post(groupId, { ciphertext: new Uint8Array(300) }), 400, 'validation_failed');
    expectError(await admin.post(groupId, { kind: 'shout' as never }), 400, 'validation_failed');
    expect(expectOk(await admin.listMessages(groupId)).messages).toEqual([]);
  });

  it('a bad query parameter is 400 validation_failed', async () => {
    const { admin, groupId } = await makeServerGroup(server.current, []);
    expectError(await admin.req('GET', `/v1/groups/${groupId}/messages?limit=100000`), 400, 'validation_failed');
    expectError(await admin.req('GET', `/v1/groups/${groupId}/messages?after=-5`), 400, 'validation_failed');
  });

  it('a body over the limit is 413 payload_too_large (unauthenticated route)', async () => {
    const big = JSON.stringify({ signPk: 'A'.repeat(1024 * 1024) });
    expectError(
      await requestOnFreshConnection(server.current.url, 'POST', '/v1/devices', big),
      413,
      'payload_too_large',
    );
  });

  it('a body over the limit is 413 payload_too_large and stores nothing', async () => {
    const { admin, groupId } = await makeServerGroup(server.current, []);
    const body = { ...(await admin.postBody(groupId)), padding: 'x'.repeat(512 * 1024) };
    const res = await requestOnFreshConnection(
      server.current.url,
      'POST',
      `/v1/groups/${groupId}/messages`,
      JSON.stringify(body),
      {
        authorization: `Bearer ${admin.token}`,
      },
    );
    expectError(res, 413, 'payload_too_large');
    expect(expectOk(await admin.listMessages(groupId)).messages).toEqual([]);
  });

  it('a missing or unknown token is 401 unauthenticated', async () => {
    expectError(await request(server.current.url, 'GET', '/v1/groups'), 401, 'unauthenticated');
    expectError(
      await request(server.current.url, 'GET', '/v1/groups', undefined, { token: 'not-a-token' }),
      401,
      'unauthenticated',
    );
    expectError(
      await request(server.current.url, 'GET', '/v1/groups', undefined, { headers: { authorization: 'Basic abc' } }),
      401,
      'unauthenticated',
    );
  });

  it('every route that declares bearer security answers 401, not 400, to bad parameters and a malformed body without a token', async () => {
    const doc = expectOk(await request(server.current.url, 'GET', '/openapi.json'));
    const operations = Object.entries(
      doc.paths as Record<string, Record<string, { security?: Record<string, string[]>[] }>>,
    ).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        bearer: op.security?.some((s) => 'bearer' in s),
      })),
    );
    const open = operations.filter((op) => !op.bearer).map((op) => `${op.method} ${op.path}`);
    // The public ones: registration, login, and the relay's VAPID public key (public by nature).
    expect(open.sort()).toEqual([
      'GET /v1/push/key',
      'POST /v1/auth/challenge',
      'POST /v1/auth/login',
      'POST /v1/devices',
    ]);
    const secured = operations.filter((op) => op.bearer).map((op) => [op.method, op.path] as const);
    const answers = await Promise.all(
      secured.map(async ([method, path]) => {
        const url = `${path.replace(/\{[^}]+\}/g, 'x')}?after=-1&limit=-1&afterEpoch=-1&inviteId=x`;
        const res = await request(
          server.current.url,
          method,
          url,
          undefined,
          method === 'GET' ? {} : { rawBody: '{"x":' },
        );
        return `${method} ${path} ${res.status} ${res.body?.error?.code}`;
      }),
    );
    expect(answers).toEqual(secured.map(([method, path]) => `${method} ${path} 401 unauthenticated`));
  });

  it('after a 413 the next request on the same keep-alive connection still succeeds', async () => {
    const big = JSON.stringify({ signPk: 'A'.repeat(1024 * 1024) });
    const refused = await request(server.current.url, 'POST', '/v1/devices', undefined, { rawBody: big });
    expectError(refused, 413, 'payload_too_large');
    // A server that drops the connection without saying `Connection: close`
    // makes the client's next, unrelated request fail.
    await new Promise((r) => setTimeout(r, 300));
    const next = await request(server.current.url, 'GET', '/healthz').catch((err: Error) => ({
      status: 0,
      text: String(err.cause ?? err),
    }));
    expect({ status: next.status, connection: refused.headers.get('connection') }, next.text).toMatchObject({
      status: 200,
    });
  });

  it('the server logged no stack trace for any of the above', () => {
    expect(server.current.logs()).not.toMatch(/\n\s+at |internal_error/);
  });
});
