// Who gets a push, and when. Called by the hub after a wake-worthy frame was
// fanned out (so after commit): it looks up the group's subscribed devices in
// the background, skips those with a live socket, and coalesces per device:
// the first push after a quiet window goes at once, anything later in the
// window becomes one push at the window's end. Sends go through a bounded
// queue with a bounded number in flight: a slow or hanging push service costs
// at most maxConcurrent connections and maxQueued small records, and never
// the caller's time (wake returns at once).
import type { Db } from '../db/database';
import { deleteGonePushSubscription, listPushTargets, type PushTarget } from '../db/repos/push-subscriptions';
import type { Logger } from '../deps';
import type { PushSend } from './push-sender';
import type { PushSettings } from './push-settings';

export type IsLive = (deviceId: string) => boolean;

export interface PushNotifier {
  /** A wake-worthy frame went to `groupId` (to `only` if given): push to its subscribed devices that are not live. */
  wake(groupId: string, only: readonly string[] | undefined, isLive: IsLive): void;
  /** Resolves when every push scheduled so far was sent or given up, window timers included (waitUntil, tests). */
  idle(): Promise<void>;
}

interface DeviceWindow {
  /** when the last push for this device was sent (ms) */
  lastAt: number;
  /** a push waiting for the window's end */
  pending?: { endpoint: string; isLive: IsLive };
}

/** The wakes of one group gathered for one lookup: these devices (null: all its members). */
interface MergedWake {
  only: Set<string> | null;
  isLive: IsLive;
}

/** Devices remembered for coalescing before old windows are swept. */
const MAX_TRACKED_DEVICES = 50_000;

export function pushNotifier(db: Db, settings: PushSettings, send: PushSend, log: Logger): PushNotifier {
  const windows = new Map<string, DeviceWindow>();
  const queue: PushTarget[] = [];
  let inFlight = 0;
  let lookups = 0;
  let outstanding = 0; // lookups, queued and in-flight sends, window timers
  let waiters: (() => void)[] = [];
  const merging = new Map<string, MergedWake>(); // lookups not started yet, per group

  const begin = () => void outstanding++;
  const end = () => {
    if (--outstanding > 0) return;
    const done = waiters;
    waiters = [];
    for (const resolve of done) resolve();
  };

  const pump = (): void => {
    while (inFlight < settings.maxConcurrent && queue.length > 0) {
      const target = queue.shift()!;
      inFlight++;
      void send(target.endpoint)
        .then((outcome) =>
          outcome === 'gone' ? deleteGonePushSubscription(db, target.deviceId, target.endpoint) : undefined,
        )
        .catch((err: Error) => log.error(`push_error ${err.name}`))
        .finally(() => {
          inFlight--;
          end();
          pump();
        });
    }
  };

  const enqueue = (target: PushTarget): void => {
    if (queue.length >= settings.maxQueued) return log.error('push_dropped queue_full');
    begin();
    queue.push(target);
    pump();
  };

  const sweep = (now: number): void => {
    if (windows.size < MAX_TRACKED_DEVICES) return;
    for (const [device, w] of windows) if (!w.pending && now - w.lastAt >= settings.coalesceMs) windows.delete(device);
  };

  const request = (target: PushTarget, isLive: IsLive): void => {
    const now = Date.now();
    const w = windows.get(target.deviceId);
    if (!w || now - w.lastAt >= settings.coalesceMs) {
      sweep(now);
      windows.set(target.deviceId, { lastAt: now });
      return enqueue(target);
    }
    if (w.pending) {
      w.pending = { endpoint: target.endpoint, isLive };
      return;
    }
    w.pending = { endpoint: target.endpoint, isLive };
    begin();
    setTimeout(
      () => {
        const due = w.pending!;
        w.pending = undefined;
        w.lastAt = Date.now();
        if (!due.isLive(target.deviceId)) enqueue({ deviceId: target.deviceId, endpoint: due.endpoint });
        end();
      },
      w.lastAt + settings.coalesceMs - now,
    );
  };

  return {
    wake(groupId, only, isLive) {
      // Wakes for one group in the same turn share one lookup: an epoch's
      // envelopes are one wake per member (5,000 in the largest group).
      const joining = merging.get(groupId);
      if (joining) {
        if (joining.only && only) for (const d of only) joining.only.add(d);
        else joining.only = null;
        joining.isLive = isLive;
        return;
      }
      if (lookups >= settings.maxQueued) return log.error('push_dropped lookups_full');
      lookups++;
      begin();
      const wanted: MergedWake = { only: only ? new Set(only) : null, isLive };
      merging.set(groupId, wanted);
      Promise.resolve()
        .then(() => {
          merging.delete(groupId);
          return listPushTargets(db, groupId, wanted.only ? [...wanted.only] : undefined);
        })
        .then((targets) => {
          for (const target of targets) if (!wanted.isLive(target.deviceId)) request(target, wanted.isLive);
        })
        .catch((err: Error) => log.error(`push_lookup_failed ${err.name}`))
        .finally(() => {
          lookups--;
          end();
        });
    },
    idle() {
      return outstanding === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
    },
  };
}
