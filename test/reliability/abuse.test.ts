// Token theft and floods: a socket does not outlive its session (closed at
// once on logout and logout everywhere, at the next heartbeat on expiry), and login challenges are rate limited per
// registered device, with no address involved: made-up device ids get a 404
// and leave no counter and no row behind. Registrations are capped across the
// server, and a refused one stores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toB64 } from '../../shared/crypto/encoding';
import { randomBytes } from '../../shared/crypto/primitives';
import { cryptoReady } from '../../shared/crypto/sodium';
import { WS_CLOSE } from '../../shared/schemas/ws';
import { TestDevice } from '../support/api-client';
import { DbFile } from '../support/db-file';
import { expectError, expectOk, request } from '../support/http';
import { TestSocket } from '../support/test-socket';
import { type ServerProcess, startServer } from '../support/server-process';

const HEARTBEAT_MS = 300;
/**
 * Expiry is kept in whole seconds (a session is valid while expires_at > now, both
 * floored), so a TTL of N seconds lasts between N - 1 and N: 3 leaves the test at
 * least 2 s to log in and authenticate its socket even on a loaded CI machine.
 */
const SESSION_TTL_S = 3;
let server: ServerProcess;
/** the same database, handing out short sessions, with a fast heartbeat */
let shortLived: ServerProcess;

beforeAll(async () => {
  await cryptoReady();
  // the default 30 s heartbeat: logging out must not wait for it
  server = await startServer({ env: { LOGIN_CHALLENGES_PER_MINUTE: '5' } });
  shortLived = await startServer({
    dbPath: server.dbPath,
    env: { WS_HEARTBEAT_MS: String(HEARTBEAT_MS), SESSION_TTL_SECONDS: String(SESSION_TTL_S) },
  });
});

afterAll(async () => {
  await shortLived?.stop();
  await server?.destroy();
});

const ended = { code: WS_CLOSE.unauthenticated, reason: 'session ended' };
const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<'still open'>((r) => setTimeout(() => r('still open'), ms))]);

describe('a socket does not outlive its session', () => {
  it('logout everywhere closes every live socket of the device at once; other devices stay', async () => {
    const victim = await TestDevice.create(server);
    const other = await TestDevice.create(server);
    const thief = await TestSocket.connect(server.wsUrl, victim.token); // a stolen token in use
    const ownToken = victim.token;
    await victim.login();
    const own = await TestSocket.connect(server.wsUrl, victim.token);
    const bystander = await TestSocket.connect(server.wsUrl, other.token);
    expect(expectOk(await victim.req('POST', '/v1/auth/logout-all'))).toEqual({ ok: true, revoked: 2 });
    expect(await within(thief.closed, 1000)).toEqual(ended);
    expect(await within(own.closed, 1000)).toEqual(ended);
    expect(await within(bystander.closed, 500)).toBe('still open');
    expectError(await request(server.url, 'GET', '/v1/groups', undefined, { token: ownToken }), 401, 'unauthenticated');
    const again = await TestSocket.open(server.wsUrl);
    again.send({ type: 'auth', token: ownToken });
    expect((await again.closed).code).toBe(WS_CLOSE.unauthenticated);
    await bystander.close();
  });

  it("logout closes the sockets of that session at once, not those of the device's other session", async () => {
    const d = await TestDevice.create(server);
    const first = d.token;
    const second = await d.login();
    const firstSocket = await TestSocket.connect(server.wsUrl, first);
    const secondSocket = await TestSocket.connect(server.wsUrl, second);
    expectOk(await d.req('POST', '/v1/auth/logout', undefined, { token: first }));
    expect(await within(firstSocket.closed, 1000)).toEqual(ended);
    expect(await within(secondSocket.closed, 500)).toBe('still open');
    secondSocket.send({ type: 'ping' });
    await secondSocket.nextOf('pong');
    await secondSocket.close();
  });

  it('an expired session closes its socket at the next heartbeat', async () => {
    const d = await TestDevice.create(shortLived); // logged in for 2-3 seconds
    const socket = await TestSocket.connect(shortLived.wsUrl, d.token);
    expect(await within(socket.closed, SESSION_TTL_S * 1000 + 6 * HEARTBEAT_MS)).toEqual(ended);
  });
});

describe('login challenge floods', () => {
  it('are limited per device: the flooded device is refused for the window, others are not, her session keeps working', async () => {
    const target = await TestDevice.create(server); // one challenge spent on login
    const file = new DbFile(server.dbPath);
    try {
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => target.anon('POST', '/v1/auth/challenge', { deviceId: target.id })),
      );
      expect(answers.filter((a) => a.status === 200)).toHaveLength(4);
      for (const a of answers.filter((a) => a.status !== 200)) expectError(a, 429, 'rate_limited');
      const stored = file.rows<{ device_id: string }>('auth_challenges').filter((r) => r.device_id === target.id);
      expect(stored.length, 'outstanding challenges stay bounded by the limit').toBeLessThanOrEqual(5);
      expectOk(await target.req('GET', '/v1/groups')); // the existing session is untouched
      const bystander = await TestDevice.create(server);
      expect(await bystander.challenge()).toEqual(expect.any(String));
    } finally {
      file.close();
    }
  });

  it('for made-up device ids get device_not_found every time, and store nothing', async () => {
    const file = new DbFile(server.dbPath);
    try {
      const before = file.digest();
      const rowsBefore = file.rows('auth_challenges').length;
      const answers = await Promise.all(
        Array.from({ length: 200 }, () =>
          request(server.url, 'POST', '/v1/auth/challenge', { deviceId: toB64(randomBytes(32)) }),
        ),
      );
      for (const a of answers) expectError(a, 404, 'device_not_found');
      expect(file.rows('auth_challenges').length).toBe(rowsBefore);
      expect(file.digest()).toBe(before);
    } finally {
      file.close();
    }
  });
});

describe('registration floods', () => {
  it('are capped across the server: the refused ones store nothing, registered devices still log in', async () => {
    const capped = await startServer({ env: { REGISTRATIONS_PER_MINUTE: '3' } });
    const file = new DbFile(capped.dbPath);
    try {
      const existing = await TestDevice.create(capped); // one of the three
      const flood = Array.from({ length: 8 }, () => new TestDevice(capped));
      const answers = await Promise.all(flood.map((d) => d.register()));
      expect(answers.filter((a) => a.status === 201)).toHaveLength(2);
      for (const a of answers.filter((a) => a.status !== 201)) expectError(a, 429, 'rate_limited');
      const registered = new Set(file.rows<{ id: string }>('devices').map((r) => r.id));
      expect(flood.filter((d) => registered.has(d.id))).toHaveLength(2);
      const refused = flood.filter((_, i) => answers[i]!.status === 429);
      for (const d of refused)
        expectError(await d.anon('POST', '/v1/auth/challenge', { deviceId: d.id }), 404, 'device_not_found');
      expect(file.rows('devices')).toHaveLength(3); // the first, the two accepted, no other
      expect(await existing.login()).toEqual(expect.any(String));
    } finally {
      file.close();
      await capped.destroy();
    }
  });
});
