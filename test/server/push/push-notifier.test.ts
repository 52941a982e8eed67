// The push notifier on its own, over a real SQLite file: a push service that
// never answers costs at most maxConcurrent requests and maxQueued records
// (the rest are dropped and counted in the log), wake() never waits, and
// coalescing sends one push at once and one at the window's end, unless the
// device has come online meanwhile.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite, type SqliteHandle } from '../../../server/node/sqlite-db';
import { pushNotifier } from '../../../server/push/push-notifier';
import type { PushOutcome } from '../../../server/push/push-sender';
import { PUSH_DEFAULTS, type PushSettings } from '../../../server/push/push-settings';
import { generateVapidKeys } from '../../../server/push/vapid';

const dir = mkdtempSync(join(tmpdir(), 'mindeulle-push-'));
let store: SqliteHandle;
let settings: PushSettings;

async function groupWithSubscribers(groupId: string, count: number): Promise<string[]> {
  const devices = Array.from({ length: count }, (_, i) => `${groupId}-device-${String(i).padStart(4, '0')}`);
  for (const device of devices) {
    await store.db.kysely
      .insertInto('memberships')
      .values({ group_id: groupId, device_id: device, role: 'member' })
      .execute();
    await store.db.kysely
      .insertInto('push_subscriptions')
      .values({ device_id: device, endpoint: `https://fcm.googleapis.com/fcm/send/${device}` })
      .execute();
  }
  return devices;
}

function recordingLog() {
  const lines: string[] = [];
  return { lines, log: { info: (l: string) => void lines.push(l), error: (l: string) => void lines.push(l) } };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  store = await openSqlite(join(dir, 'relay.db'));
  settings = {
    ...PUSH_DEFAULTS,
    subject: 'mailto:ops@example.org',
    keys: await generateVapidKeys(),
    allowedOrigins: [],
  };
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('push notifier', () => {
  it('against a push service that never answers, holds at most maxConcurrent requests and maxQueued waiting, and drops the rest', async () => {
    await groupWithSubscribers('hanging', 20);
    const { lines, log } = recordingLog();
    let started = 0;
    const never = () => {
      started++;
      return new Promise<PushOutcome>(() => undefined);
    };
    const notifier = pushNotifier(store.db, { ...settings, maxConcurrent: 2, maxQueued: 3 }, never, log);
    const before = performance.now();
    notifier.wake('hanging', undefined, () => false);
    expect(performance.now() - before, 'wake returns at once').toBeLessThan(20);
    await sleep(200);
    expect(started).toBe(2);
    expect(lines.filter((l) => l === 'push_dropped queue_full')).toHaveLength(20 - 2 - 3);
    expect(lines.join('\n')).not.toContain('hanging-device');
  });

  it('an epoch’s envelopes (one wake per member, in one turn) take one lookup: every offline subscriber gets one push, none is dropped', async () => {
    const devices = await groupWithSubscribers('epoch', 1200);
    const { lines, log } = recordingLog();
    const pushed: string[] = [];
    const send = async (endpoint: string) => {
      pushed.push(endpoint);
      return 'delivered' as const;
    };
    // more wakes than lookups may wait (1,000): one lookup per wake would drop 200 of them
    const notifier = pushNotifier(store.db, { ...settings, maxQueued: 1000 }, send, log);
    const live = new Set(devices.filter((_, i) => i % 2 === 0));
    for (const device of devices) notifier.wake('epoch', [device], (d) => live.has(d));
    await notifier.idle();
    expect(lines).toEqual([]);
    const offline = devices.filter((d) => !live.has(d));
    expect(pushed.sort()).toEqual(offline.map((d) => `https://fcm.googleapis.com/fcm/send/${d}`).sort());
  });

  it('coalesces a burst into one push at once and one at the window’s end, and skips a device that came online', async () => {
    const [device] = await groupWithSubscribers('burst', 1);
    const sent: number[] = [];
    const send = async () => {
      sent.push(Date.now());
      return 'delivered' as const;
    };
    const notifier = pushNotifier(store.db, { ...settings, coalesceMs: 300 }, send, recordingLog().log);
    const start = Date.now();
    for (let i = 0; i < 5; i++) {
      notifier.wake('burst', undefined, () => false);
      await sleep(5); // one wake per turn (wakes in one turn share a lookup)
    }
    await notifier.idle();
    expect(sent).toHaveLength(2);
    expect(sent[0]! - start).toBeLessThan(150);
    expect(sent[1]! - sent[0]!).toBeGreaterThanOrEqual(250);

    let online = false;
    await sleep(350); // a quiet window: the next one goes at once
    notifier.wake('burst', [device!], () => online);
    await sleep(50);
    expect(sent).toHaveLength(3);
    notifier.wake('burst', [device!], () => online); // waits for the window's end
    await sleep(50);
    online = true; // she opened the app before the window ended
    await notifier.idle();
    expect(sent).toHaveLength(3);
  });
});
