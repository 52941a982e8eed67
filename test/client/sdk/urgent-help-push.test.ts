// Pushes for an urgent help request are those of any chat message: the relay
// wakes the same devices (every member without a socket, the member it is not
// for included) with the same empty, VAPID-signed push, because it cannot tell
// the two apart. A local push service (test/support/push-service.ts) receives them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateVapidKeys } from '../../../server/push/vapid';
import { cryptoReady } from '../../../shared/crypto/sodium';
import { admitClients } from '../../support/client-group';
import { type PushService, startPushService } from '../../support/push-service';
import { newClient, removeTempDirs, type TestClient } from '../../support/sdk-fixtures';
import type { ServerProcess } from '../../support/server-process';
import { onWorker, startTarget } from '../../support/targets';

const WINDOW_MS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: ServerProcess;
let pushService: PushService;
let admin: TestClient;
let bora: TestClient;
let groupId: string;
/** endpoints of a facilitator and a member whose phones are closed (no socket) */
const endpoints: Record<'facilitator' | 'member', string> = { facilitator: '', member: '' };

async function pushesFor(endpoint: string, count: number, withinMs = 3000) {
  const deadline = Date.now() + withinMs;
  while (pushService.received(endpoint).length < count && Date.now() < deadline) await sleep(25);
  return pushService.received(endpoint);
}

beforeAll(async () => {
  await cryptoReady();
  pushService = await startPushService(() => server.url);
  const keys = onWorker ? await generateVapidKeys() : null;
  server = await startTarget({
    env: {
      VAPID_SUBJECT: 'mailto:relay-operator@example.org',
      PUSH_ALLOWED_ORIGINS: pushService.origin,
      PUSH_COALESCE_MS: String(WINDOW_MS),
      ...(keys ? { VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey } : {}),
    },
  });
  admin = await newClient(server.url, 'Admin');
  bora = await newClient(server.url, 'Bora');
  const chae = await newClient(server.url, 'Chae');
  const dami = await newClient(server.url, 'Dami');
  groupId = await admin.client.createGroup('긴급 모임');
  await admitClients(admin, groupId, [
    [bora, 'member'],
    [chae, 'facilitator'],
    [dami, 'member'],
  ]);
  for (const [who, t] of [
    ['facilitator', chae],
    ['member', dami],
  ] as const) {
    endpoints[who] = pushService.newEndpoint();
    await t.client.setPushEndpoint(endpoints[who]);
    await t.client.close(); // her phone is put away: no socket, so the relay pushes
  }
  await sleep(WINDOW_MS * 2);
});

afterAll(async () => {
  await removeTempDirs();
  await server?.destroy();
  await pushService?.close();
});

describe('pushes for urgent help', () => {
  it('an urgent request wakes the same devices with the same empty push as a chat message', async () => {
    const before = { facilitator: 0, member: 0 };
    for (const who of ['facilitator', 'member'] as const) before[who] = pushService.received(endpoints[who]).length;
    await bora.client.send(groupId, '안녕하세요');
    await sleep(WINDOW_MS * 3);
    await bora.client.requestHelp(groupId, '지금 위험해요');
    for (const who of ['facilitator', 'member'] as const) {
      const pushes = (await pushesFor(endpoints[who], before[who] + 2)).slice(before[who]);
      expect(pushes, who).toHaveLength(2);
      const [chat, urgent] = pushes as [(typeof pushes)[number], (typeof pushes)[number]];
      expect([chat.problems, urgent.problems]).toEqual([[], []]);
      expect(urgent.bodyBytes).toBe(chat.bodyBytes);
      expect(Object.keys(urgent.headers).sort()).toEqual(Object.keys(chat.headers).sort());
      expect(urgent.headers.urgency).toBe(chat.headers.urgency);
      expect(urgent.headers.ttl).toBe(chat.headers.ttl);
    }
  });
});
