// Everything createApp needs from its runtime. Nothing here names Node or Workers.
import type { MiddlewareHandler } from 'hono';
import type { Clock } from './clock';
import type { AppConfig } from './config';
import type { Db } from './db/database';
import type { Hub } from './live/hub';
import type { RateLimiter } from './rate-limiter';

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
  /** Serves the built web app; absent where the platform serves it (Workers static assets). */
  assets?: MiddlewareHandler;
}

export type AppEnv = { Variables: { deps: AppDeps } };
