// Everything createApp needs from its runtime, and the one way to build it.
// Nothing here names Node or Workers: each entry passes its storage and hub.
import type { MiddlewareHandler } from 'hono';
import type { BlobStore } from './blob-store/blob-store';
import { type Clock, systemClock } from './clock';
import { type AppConfig, clockSkewFromEnv, configFromEnv } from './config';
import type { Db } from './db/database';
import type { Hub } from './live/hub';
import { buildPushDeps, type PushDeps } from './push/push-deps';
import { pushSettingsFromEnv } from './push/push-settings';
import { memoryRateLimiter, type RateLimiter } from './rate-limiter';

export interface Logger {
  info(line: string): void;
  error(line: string): void;
}

export interface AppDeps {
  db: Db;
  hub: Hub;
  clock: Clock;
  limiter: RateLimiter;
  log: Logger;
  config: AppConfig;
  /** Web Push (VAPID_SUBJECT and a key pair); absent: push is off, the default */
  push?: PushDeps;
  /** Attachment bytes (files under BLOB_DIR on Node, R2 on Workers); absent: the blob routes answer 503 blobs_unavailable */
  blobs?: BlobStore;
  /** Serves the built web app; absent where the platform serves it (Workers static assets). */
  assets?: MiddlewareHandler;
}

export type AppEnv = { Variables: { deps: AppDeps } };

/** Lines to stdout and stderr (Node's journal, `wrangler tail`); the app writes no secrets or addresses into them. */
export const consoleLog: Logger = {
  info: (line) => console.log(line),
  error: (line) => console.error(line),
};

/** Storage and hub come from the runtime; the rest has a default that any part may override (push: from VAPID_* in env). */
export interface DepsParts extends Partial<AppDeps> {
  db: Db;
  hub: Hub;
  /** variables the config and the clock's skew are read from (process.env, the Worker's vars); none: the defaults */
  env?: Record<string, string | undefined>;
}

/**
 * The deps for createApp or a socket session. The default rate limiter is in
 * memory: on Workers it is per isolate, so best-effort (several isolates each
 * count on their own).
 */
export function buildDeps({ env = {}, ...parts }: DepsParts): AppDeps {
  const log = parts.log ?? consoleLog;
  const push = 'push' in parts ? parts.push : buildPushDeps(parts.db, pushSettingsFromEnv(env), log);
  return {
    db: parts.db,
    hub: parts.hub,
    clock: parts.clock ?? systemClock(clockSkewFromEnv(env)),
    limiter: parts.limiter ?? memoryRateLimiter(),
    log,
    config: parts.config ?? configFromEnv(env),
    ...(push ? { push } : {}),
    ...(parts.assets ? { assets: parts.assets } : {}),
    ...(parts.blobs ? { blobs: parts.blobs } : {}),
  };
}
