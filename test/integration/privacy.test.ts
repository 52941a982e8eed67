// P1 and P12 against the real server: after a scenario (register, group,
// invite, redeem, approve, chat, bulletin, refusals, removal, logout) in which every
// user-visible string is a unique canary and every request carries a
// User-Agent and forwarding headers with canaries in them, neither the SQLite
// files (read byte by byte, -wal included) nor the logs hold a canary, an
// invite code, a token, an address or a user agent; log lines are route
// patterns only; timestamps are coarse; no column could hold such data. Push
// is on: the member's endpoint is stored (as its own column, until she logs
// out everywhere) and a push goes out, but no log line names the endpoint.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromB64, toB64 } from '../../shared/crypto/encoding';
import { normalizeInviteCode } from '../../shared/protocol/invite-code';
import { TestDevice } from '../support/api-client';
import { canary, readDirFiles, scan, sealForTest } from '../support/canary';
import { useServer } from '../support/fixtures';
import { expectOk, request } from '../support/http';
import { type PushService, startPushService } from '../support/push-service';
import { TestSocket } from '../support/test-socket';

/** Push is on, to a local push service (started before the server, which must allow its origin). */
const pushEnv: Record<string, string> = {};
let pushService: PushService;
let pushEndpoint = '';
beforeAll(async () => {
  pushService = await startPushService(() => server.current.url);
  // localhost, not 127.0.0.1: an address must appear nowhere in the files, and the endpoint is stored.
  const origin = pushService.origin.replace('127.0.0.1', 'localhost');
  pushEndpoint = `${origin}/wpush/v2/${canary('PUSH-ENDPOINT')}`;
  Object.assign(pushEnv, { VAPID_SUBJECT: 'mailto:relay@example.org', PUSH_ALLOWED_ORIGINS: origin });
});
afterAll(async () => {
  await pushService?.close();
});

const server = useServer({ env: pushEnv });

const FORWARDED_IP = '198.51.100.173'; // TEST-NET-2: appears nowhere unless copied from a header
/** any IPv4 address, or an IPv6 one with at least two groups (::1, fe80::...) */
const ANY_ADDRESS = /\b\d{1,3}(\.\d{1,3}){3}\b|(^|[^0-9a-f:])[0-9a-f]{0,4}::?[0-9a-f]{1,4}(:[0-9a-f]{0,4})*\b/i;
/** strings that must appear nowhere */
const forbidden: string[] = ['127.0.0.1', 'user-agent', 'Mozilla', FORWARDED_IP];
/** random secrets whose raw bytes must appear nowhere either */
const forbiddenBytes: Uint8Array[] = [];
/** opaque values that may be stored but must never be logged */
const neverLogged: string[] = [];
let groupId = '';
let admin: TestDevice;
let member: TestDevice;
let joinRequestCreatedAt = -1;
/** the text of every refusal (HTTP error bodies and WebSocket error frames) */
const errorTexts: string[] = [];
let lastStored = '';

function headersFor(who: string): Record<string, string> {
  const ua = `Mozilla/5.0 (${canary(`UA-${who}`)})`;
  forbidden.push(ua);
  return {
    'user-agent': ua,
    'x-forwarded-for': `${FORWARDED_IP}, 10.0.0.1`,
    'x-real-ip': FORWARDED_IP,
    forwarded: `for=${FORWARDED_IP};proto=https`,
    referer: `https://example.org/${canary('REFERER')}`,
  };
}

/** A sealed canary: the canary is forbidden, its ciphertext only unlogged. */
function sealed(tag: string, minBytes = 0): string {
  const text = canary(tag);
  forbidden.push(text);
  const b64 = toB64(sealForTest(text, minBytes));
  neverLogged.push(b64);
  return b64;
}

function remember(device: TestDevice): void {
  forbidden.push(device.token);
  forbiddenBytes.push(fromB64(device.token));
  neverLogged.push(device.id);
}

beforeAll(async () => {
  admin = await TestDevice.create(server.current, headersFor('admin'));
  member = await TestDevice.create(server.current, headersFor('member'));
  remember(admin);
  remember(member);
  groupId = await admin.createGroup({ retentionSeconds: 7 * 24 * 3600 });
  neverLogged.push(groupId);
  const adminSocket = await TestSocket.connect(server.current.wsUrl, admin.token, headersFor('admin-ws'));

  const { code } = expectOk(await admin.createInvite(groupId, { label: sealed('LABEL') }), 201);
  forbidden.push(code, normalizeInviteCode(code)!);
  const request1 = expectOk(await member.redeem(code, sealed('INTRO')), 201);
  const { requests } = expectOk(await admin.listJoinRequests(groupId));
  joinRequestCreatedAt = requests[0]!.createdAt;
  expectOk(await admin.approve(groupId, requests.find((r) => r.requestId === request1.requestId)!));
  await member.syncRoster(groupId);
  // Her phone turns on push (she has no socket yet): the relay keeps the endpoint, and must never log it.
  expectOk(await member.req('PUT', '/v1/push/subscription', { endpoint: pushEndpoint }));
  neverLogged.push(pushEndpoint, new URL(pushEndpoint).pathname);
  const envelopes = [admin, member].map((d) => ({ recipient: d.id, sealed: sealed('EPOCH-SECRET') }));
  expectOk(await admin.req('POST', `/v1/groups/${groupId}/key-envelopes`, { epoch: 2, envelopes }));

  for (const tag of ['MSG-1', 'MSG-2'])
    expectOk(await admin.post(groupId, { ciphertext: fromB64(sealed(tag, 256)) }), 201);
  expectOk(
    await admin.post(groupId, { kind: 'bulletin', pinned: true, ciphertext: fromB64(sealed('BULLETIN', 256)) }),
    201,
  );
  const memberSocket = await TestSocket.connect(server.current.wsUrl, member.token, headersFor('member-ws'));
  lastStored = sealed('WS-MSG', 256);
  const ack = await memberSocket.post({
    groupId,
    ...(await member.postBody(groupId, { ciphertext: fromB64(lastStored) })),
  });
  expect(ack.type).toBe('ack');
  await adminSocket.nextOf('message', (f) => f.type === 'message' && f.message.seq === (ack as { seq: number }).seq);

  // input the server must refuse without echoing or logging it
  const junk = canary('JUNK');
  const noteInQuery = canary('QUERY');
  forbidden.push(junk, noteInQuery);
  const refusal = await request(
    server.current.url,
    'POST',
    '/v1/devices',
    { signPk: junk, kxPk: junk },
    { headers: headersFor('junk') },
  );
  expect(refusal.status).toBe(400);
  expect(refusal.text).not.toContain(junk);
  const unknown = await request(server.current.url, 'GET', `/v1/${junk}`, undefined, { headers: headersFor('404') });
  expect(unknown.status).toBe(404);
  expect(unknown.text).not.toContain(junk);
  expectOk(await admin.req('GET', `/v1/groups/${groupId}/messages?after=0&note=${noteInQuery}`));

  // refusals that carry secrets: the error must not echo any of them
  const outsider = await TestDevice.create(server.current, headersFor('outsider'));
  remember(outsider);
  const ciphertext = sealed('REFUSED-MSG', 256);
  errorTexts.push(
    ...[
      await member.redeem(code, sealed('INTRO-AGAIN')), // already a member
      await outsider.redeem(`${code.slice(0, -1)}X`), // a near miss
      await outsider.req(
        'POST',
        `/v1/groups/${groupId}/messages`,
        await outsider.postBody(groupId, { epoch: 2, ciphertext: fromB64(ciphertext) }),
      ),
      await request(server.current.url, 'GET', '/v1/groups', undefined, {
        token: `${admin.token.slice(0, -2)}AA`,
        headers: headersFor('stolen'),
      }),
      await request(
        server.current.url,
        'POST',
        '/v1/auth/login',
        { deviceId: admin.id, challenge: junk, signature: admin.token },
        { headers: headersFor('login') },
      ),
    ].map((r) => {
      expect(r.status, r.text).toBeGreaterThanOrEqual(400);
      return r.text;
    }),
  );
  const refusedFrame = await memberSocket.post({
    groupId,
    ...(await member.postBody(groupId)),
    ciphertext: `${ciphertext}A`,
  });
  expect(refusedFrame.type).toBe('error');
  errorTexts.push(JSON.stringify(refusedFrame));

  // removal: she is out at once, and her attempts are refused without echoing anything
  expectOk(await admin.removeMember(groupId, member.id));
  const afterRemoval = await member.post(groupId, { ciphertext: fromB64(sealed('AFTER-REMOVAL', 256)) });
  expect(afterRemoval.status).toBe(403);
  errorTexts.push(
    afterRemoval.text,
    JSON.stringify(
      await memberSocket.post({
        groupId,
        ...(await member.postBody(groupId, { ciphertext: fromB64(sealed('WS-AFTER-REMOVAL', 256)) })),
      }),
    ),
  );
  expectOk(await member.req('POST', '/v1/auth/logout-all'));
  errorTexts.push((await member.req('GET', '/v1/groups')).text);
  await Promise.all([adminSocket.close(), memberSocket.close()]);
  // The push for her first message went out (so the log checks below cover sending).
  for (const end = Date.now() + 5000; pushService.received().length === 0 && Date.now() < end; )
    await new Promise((r) => setTimeout(r, 50));
});

describe('error bodies', () => {
  it('hold no canary, invite code, token, address, ciphertext or id', () => {
    expect(errorTexts.length).toBeGreaterThanOrEqual(9);
    const bodies = [{ name: 'errors', bytes: Buffer.from(errorTexts.join('\n')) }];
    expect(scan(bodies, forbidden, [])).toEqual([]);
    expect(neverLogged.filter((value) => errorTexts.some((t) => t.includes(value)))).toEqual([]);
    expect(errorTexts.join('\n')).not.toMatch(ANY_ADDRESS);
  });
});

describe('the database files', () => {
  it('hold no canary, invite code, token, address or user agent while the server runs', async () => {
    const files = await readDirFiles(path.dirname(server.current.dbPath));
    expect(files.map((f) => f.name)).toContain(path.basename(server.current.dbPath));
    expect(scan(files, forbidden, forbiddenBytes)).toEqual([]);
  });

  it('are really scanned: what the server must store is found (self-check)', async () => {
    const files = await readDirFiles(path.dirname(server.current.dbPath));
    const ciphertext = lastStored; // the last message stored
    const found = new Set(
      scan(files, [groupId, admin.pub.signPk, ciphertext], [fromB64(ciphertext)]).map((f) => f.needle),
    );
    expect(found).toContain(groupId);
    expect(found).toContain(admin.pub.signPk);
    expect(found.size, 'the last ciphertext, as text or as bytes').toBeGreaterThanOrEqual(3);
  });

  it('have no column that could hold an address, a user agent, a name or a message sender', () => {
    const db = new Database(server.current.dbPath, { readonly: true, fileMustExist: true });
    try {
      // kysely_* tables are the migration framework's own bookkeeping
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'kysely_%'")
        .all() as { name: string }[];
      const columns = tables.flatMap(({ name }) =>
        (db.prepare(`PRAGMA table_info("${name}")`).all() as { name: string }[]).map((c) => `${name}.${c.name}`),
      );
      expect(columns).toContain('messages.ciphertext');
      const suspicious = /(^|_)(ip|ips|addr|address|agent|ua|email|phone|name|nickname|display|profile)(_|$)/i;
      expect(columns.filter((c) => suspicious.test(c.split('.')[1]!))).toEqual([]);
      expect(columns.filter((c) => c.startsWith('messages.') && /sender|device|author|from/i.test(c))).toEqual([]);
      // Push: the endpoint and its device, nothing else (no keys, no times); logging out everywhere removed hers.
      expect(columns.filter((c) => c.startsWith('push_subscriptions.'))).toEqual([
        'push_subscriptions.device_id',
        'push_subscriptions.endpoint',
      ]);
      expect(db.prepare('SELECT COUNT(*) AS n FROM push_subscriptions').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});

describe('the logs', () => {
  it('hold no canary, invite code, token, address or user agent', () => {
    const logs = [{ name: 'logs', bytes: Buffer.from(server.current.logs()) }];
    expect(scan(logs, forbidden, [])).toEqual([]);
    expect(server.current.logs()).not.toMatch(ANY_ADDRESS);
  });

  it('hold no id, ciphertext, label, introduction or push endpoint, though a push went out', () => {
    expect(pushService.received(pushEndpoint).length, 'pushes sent to her endpoint').toBeGreaterThan(0);
    const logs = server.current.logs();
    expect(neverLogged.filter((value) => logs.includes(value))).toEqual([]);
  });

  it('are one line per request: method, route pattern, status and duration', () => {
    const lines = server.current.logs().split('\n').filter(Boolean);
    const access =
      /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\/[A-Za-z0-9/:._-]*|\(unmatched\)|\(static\)) [1-5]\d\d \d+(\.\d+)?ms$/;
    const other = lines.filter((l) => !access.test(l) && !/listening/.test(l));
    expect(other).toEqual([]);
    const segments = lines.filter((l) => access.test(l)).flatMap((l) => l.split(' ')[1]!.split('/'));
    expect(segments.filter((s) => !s.startsWith(':') && s.length >= 16)).toEqual([]); // no concrete id
    const expected = [
      'GET /healthz 200',
      'GET /v1/groups/:groupId/join-requests 200',
      'POST /v1/devices 201',
      'POST /v1/auth/login 200',
      'POST /v1/groups 201',
      'POST /v1/groups/:groupId/invites 201',
      'POST /v1/invites/redeem 201',
      'POST /v1/groups/:groupId/join-requests/:requestId/approve 200',
      'POST /v1/groups/:groupId/messages 201',
      'GET /v1/groups/:groupId/messages 200',
      'POST /v1/devices 400',
      'PUT /v1/push/subscription 200',
    ];
    expect(expected.filter((e) => !lines.some((l) => l.startsWith(`${e} `)))).toEqual([]);
  });
});

describe('timestamps', () => {
  it('the server hands out are coarse (whole hours at most)', async () => {
    const { messages } = expectOk(await admin.listMessages(groupId));
    expect(messages.length).toBe(4);
    for (const m of messages) {
      expect(m.createdAt % 3600).toBe(0);
      expect(m.expiresAt % 3600).toBe(0);
    }
    expect(joinRequestCreatedAt % 3600).toBe(0);
  });
});

describe('after shutdown', () => {
  it('the checkpointed database still holds none of it', async () => {
    await server.current.stop();
    const files = await readDirFiles(path.dirname(server.current.dbPath));
    expect(scan(files, forbidden, forbiddenBytes)).toEqual([]);
  });
});
