// deps.push: present only when push is configured. The settings serve the
// routes (public key, endpoint policy); the notifier serves the hub that
// holds the sockets (Node's memory hub, a group's Durable Object).
import type { Db } from '../db/database';
import type { Logger } from '../deps';
import { type PushNotifier, pushNotifier } from './push-notifier';
import { pushSender } from './push-sender';
import type { PushSettings } from './push-settings';

export interface PushDeps {
  settings: PushSettings;
  notifier: PushNotifier;
}

export function buildPushDeps(db: Db, settings: PushSettings | null, log: Logger): PushDeps | undefined {
  if (!settings) return undefined;
  return { settings, notifier: pushNotifier(db, settings, pushSender(settings, log), log) };
}
