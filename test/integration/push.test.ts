// Content-free Web Push against the real relay (Node, and the Worker under
// workerd): a local push service (test/support/push-service.ts) checks every
// push against RFC 8030/8292 and the relay's own rules. A device without a
// socket gets one push per post burst, coalesced; a live device gets none;
// a gone endpoint is forgotten; a hanging push service does not slow acks;
// endpoints off the known push services are refused; no endpoint is logged.
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cryptoReady } from '../../shared/crypto/sodium';
import { generateVapidKeys } from '../../server/push/vapid';
import { admit, TestDevice } from '../support/api-client';
import { makeServerGroup, type TestGroup } from '../support/fixtures';
import { expectError, expectOk } from '../support/http';
import { type PushService, startPushService } from '../support/push-service';
import { DbFile } from '../support/db-file';
import type { ServerProcess } from '../support/server-process';
import { onWorker, socketUrl, startTarget } from '../support/targets';
import { TestSocket } from '../support/test-socket';
import { localD1File, type WorkerProcess } from '../support/worker-process';

/** Short enough for a test, long enough to tell "at once" from "at the window's end". */
const WINDOW_MS = 1500;

let server: ServerProcess;
let pushService: PushService;
/** another local server a redirect points to: it must never be reached */
let elsewhere: PushService;
const endpoints: string[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `count` pushes reached the endpoint (or the deadline passed) and returns them. */
async function pushesFor(endpoint: string, count: number, withinMs: number) {
  const deadline = Date.now() + withinMs;
  while (pushService.received(endpoint).length < count && Date.now() < deadline) await sleep(25);
  return pushService.received(endpoint);
}

async function subscribe(device: TestDevice, endpoint = pushService.newEndpoint()): Promise<string> {
  expectOk(await device.req('PUT', '/v1/push/subscription', { endpoint }));
  endpoints.push(endpoint);
  return endpoint;
}

beforeAll(async () => {
  await cryptoReady();
  pushService = await startPushService(() => server.url);
  elsewhere = await startPushService(() => server.url);
  // The Worker reads its key pair from secrets; the Node relay makes its own beside the database.
  const keys = onWorker ? await generateVapidKeys() : null;
  server = await startTarget({
    env: {
      VAPID_SUBJECT: 'mailto:relay-operator@example.org',
      PUSH_ALLOWED_ORIGINS: pushService.origin,
      PUSH_COALESCE_MS: String(WINDOW_MS),
      PUSH_TIMEOUT_MS: '4000',
      ...(keys ? { VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey } : {}),
    },
  });
});

afterAll(async () => {
  await server?.destroy();
  await pushService?.close();
  await elsewhere?.close();
});

describe('push keys and subscriptions', () => {
  it('serves its VAPID public key to anyone, as a P-256 point', async () => {
    const { publicKey } = expectOk(await new TestDevice(server).anon('GET', '/v1/push/key'));
    expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65);
    expect(Buffer.from(publicKey, 'base64url')[0]).toBe(4);
  });

  it('refuses endpoints off the known push services: plain http, IP literals, look-alike hosts, ports, credentials', async () => {
    const device = await TestDevice.create(server);
    const port = new URL(pushService.origin).port;
    const refused = [
      `http://127.0.0.1:${Number(port) + 1}/wpush/x`,
      'http://127.0.0.1/wpush/x',
      'https://127.0.0.1/wpush/x',
      'https://[::1]/wpush/x',
      'https://10.0.0.8/fcm/send/x',
      'https://169.254.169.254/latest/meta-data',
      'http://fcm.googleapis.com/fcm/send/x',
      'https://fcm.googleapis.com:8443/fcm/send/x',
      'https://fcm.googleapis.com.evil.example/fcm/send/x',
      'https://evilfcm.googleapis.com.example/x',
      'https://push.apple.com.evil.example/x',
      'https://user:pass@fcm.googleapis.com/fcm/send/x',
      'https://example.org/push',
    ];
    for (const endpoint of refused)
      expectError(await device.req('PUT', '/v1/push/subscription', { endpoint }), 400, 'push_endpoint_refused');
    const accepted = [
      'https://fcm.googleapis.com/fcm/send/abc:def',
      'https://updates.push.services.mozilla.com/wpush/v2/gAAAAA',
      'https://web.push.apple.com/QGm1x',
      'https://wns2-par02p.notify.windows.com/w/?token=BQYAAA',
      pushService.newEndpoint(),
    ];
    // This device is in no group: nothing is ever pushed to these.
    for (const endpoint of accepted) expectOk(await device.req('PUT', '/v1/push/subscription', { endpoint }));
    expectOk(await device.req('DELETE', '/v1/push/subscription'));
  });
});

describe('sending', () => {
  let g: TestGroup;
  /** member 0's endpoint: subscribed, never connected */
  let quietEndpoint = '';

  beforeAll(async () => {
    g = await makeServerGroup(server, ['member', 'member']);
  });

  it('a subscribed device without a socket gets exactly one push within 2 s of a post, empty and VAPID-signed', async () => {
    const endpoint = await subscribe(g.members[0]!);
    quietEndpoint = endpoint;
    const sentAt = Date.now();
    expectOk(await g.admin.post(g.groupId), 201);
    const [push] = await pushesFor(endpoint, 1, 2000);
    expect(push, 'a push arrived').toBeDefined();
    expect(push!.at - sentAt).toBeLessThan(2000);
    expect(push!.problems).toEqual([]);
    await sleep(WINDOW_MS + 500);
    expect(pushService.received(endpoint)).toHaveLength(1);
  });

  it('a device with a live socket gets no push, while one without gets its push', async () => {
    const liveEndpoint = await subscribe(g.members[1]!);
    const socket = await TestSocket.connect(socketUrl(server, g.groupId), g.members[1]!.token);
    await sleep(WINDOW_MS); // member 0's window from the previous test is over
    expectOk(await g.admin.post(g.groupId), 201);
    await socket.nextOf('message');
    expect(await pushesFor(quietEndpoint, 2, 2000)).toHaveLength(2);
    await sleep(500);
    expect(pushService.received(liveEndpoint)).toEqual([]);
    await socket.close();
  });

  it('ten posts in a burst give one push at once, then one more at the end of the window', async () => {
    const solo = await makeServerGroup(server, ['member']);
    const endpoint = await subscribe(solo.members[0]!);
    const started = Date.now();
    for (let i = 0; i < 10; i++) expectOk(await solo.admin.post(solo.groupId), 201);
    const first = await pushesFor(endpoint, 1, 2000);
    expect(first).toHaveLength(1);
    expect(first[0]!.at - started).toBeLessThan(WINDOW_MS);
    const both = await pushesFor(endpoint, 2, WINDOW_MS + 2000);
    expect(both).toHaveLength(2);
    expect(both[1]!.at - both[0]!.at).toBeGreaterThanOrEqual(WINDOW_MS - 100);
    await sleep(WINDOW_MS + 500);
    expect(pushService.received(endpoint)).toHaveLength(2);
    expect(both.flatMap((p) => p.problems)).toEqual([]);
  });

  it('a join request wakes the admins, and the approval (roster commit, key envelope) wakes the newcomer', async () => {
    const solo = await makeServerGroup(server, []);
    const adminEndpoint = await subscribe(solo.admin);
    const newcomer = await TestDevice.create(server);
    const newcomerEndpoint = await subscribe(newcomer);
    await admit(solo.admin, newcomer, solo.groupId);
    expect(await pushesFor(adminEndpoint, 1, 2000)).toHaveLength(1);
    expect(await pushesFor(newcomerEndpoint, 1, 2000)).toHaveLength(1);
  });

  it('410 Gone makes the relay forget the endpoint: the next post pushes nothing', async () => {
    const solo = await makeServerGroup(server, ['member']);
    const endpoint = await subscribe(solo.members[0]!);
    pushService.answer(endpoint, 410);
    expectOk(await solo.admin.post(solo.groupId), 201);
    expect(await pushesFor(endpoint, 1, 2000)).toHaveLength(1);
    await sleep(WINDOW_MS + 300);
    expectOk(await solo.admin.post(solo.groupId), 201);
    await sleep(WINDOW_MS + 500);
    expect(pushService.received(endpoint)).toHaveLength(1);
  });

  it('429 and 500 are retried a bounded number of times, then given up', async () => {
    const solo = await makeServerGroup(server, ['member', 'member']);
    const throttled = await subscribe(solo.members[0]!);
    const failing = await subscribe(solo.members[1]!);
    pushService.answer(throttled, 429);
    pushService.answer(failing, 500);
    expectOk(await solo.admin.post(solo.groupId), 201);
    expect(await pushesFor(throttled, 3, 6000)).toHaveLength(3);
    expect(await pushesFor(failing, 3, 6000)).toHaveLength(3);
    await sleep(2500);
    expect(pushService.received(throttled)).toHaveLength(3);
    expect(pushService.received(failing)).toHaveLength(3);
  });

  it('a redirect from the push service is not followed', async () => {
    const solo = await makeServerGroup(server, ['member']);
    const endpoint = await subscribe(solo.members[0]!);
    const target = elsewhere.newEndpoint();
    pushService.answer(endpoint, { redirectTo: target });
    expectOk(await solo.admin.post(solo.groupId), 201);
    expect(await pushesFor(endpoint, 1, 2000)).toHaveLength(1);
    await sleep(1000);
    expect(elsewhere.received()).toEqual([]);
  });

  it('logout and logout-everywhere make the relay forget the endpoint', async () => {
    const solo = await makeServerGroup(server, ['member', 'member']);
    const one = await subscribe(solo.members[0]!);
    const two = await subscribe(solo.members[1]!);
    expectOk(await solo.members[0]!.req('POST', '/v1/auth/logout'));
    expectOk(await solo.members[1]!.req('POST', '/v1/auth/logout-all'));
    expectOk(await solo.admin.post(solo.groupId), 201);
    await sleep(1500);
    expect(pushService.received(one)).toEqual([]);
    expect(pushService.received(two)).toEqual([]);
  });

  it('a hanging push service does not slow the acks of posts', async () => {
    const quiet = await makeServerGroup(server, ['member']);
    const stuck = await makeServerGroup(server, ['member', 'member', 'member', 'member']);
    for (const member of stuck.members) pushService.answer(await subscribe(member), 'hang');
    const ackLatency = async (group: TestGroup): Promise<number> => {
      const times: number[] = [];
      for (let i = 0; i < 15; i++) {
        const start = performance.now();
        expectOk(await group.admin.post(group.groupId), 201);
        times.push(performance.now() - start);
      }
      return times.sort((a, b) => a - b)[7]!;
    };
    const before = await ackLatency(quiet);
    const during = await ackLatency(stuck);
    expect(pushService.hanging(), 'the pushes are hanging while the posts are acked').toBeGreaterThanOrEqual(4);
    const after = await ackLatency(quiet);
    const baseline = Math.max(before, after, 5);
    expect(during, `median ack ${during.toFixed(1)} ms vs ${baseline.toFixed(1)} ms`).toBeLessThan(baseline * 3);
  });
});

describe('privacy', () => {
  it('no endpoint appears in the relay logs', () => {
    const logs = server.logs();
    expect(endpoints.length).toBeGreaterThan(5);
    for (const endpoint of endpoints) {
      expect(logs).not.toContain(endpoint);
      expect(logs).not.toContain(new URL(endpoint).pathname);
    }
  });

  it('the database holds one endpoint per subscribed device and nothing else about push', () => {
    const file = new DbFile(onWorker ? localD1File((server as WorkerProcess).persistDir) : server.dbPath);
    try {
      const rows = file.rows<Record<string, string>>('push_subscriptions');
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(Object.keys(row).sort()).toEqual(['device_id', 'endpoint']);
        expect(endpoints).toContain(row.endpoint);
      }
    } finally {
      file.close();
    }
  });

  it.skipIf(onWorker)('the Node relay keeps its VAPID key beside the database, readable by its owner only', () => {
    expect(statSync(`${server.dbPath}.vapid.json`).mode & 0o777).toBe(0o600);
  });
});
