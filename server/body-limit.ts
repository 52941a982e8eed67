// The request body limit, per route: every route takes the configured maxBodyBytes
// unless its declaration names its own (an upload route, say).
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppConfig } from './config';
import type { AppEnv } from './deps';
import { errorBody } from './error-body';

/** How many body bytes a route accepts, read from the running config. */
export type BodyLimitOf = (config: AppConfig) => number;

export const defaultBodyLimit: BodyLimitOf = (config) => config.maxBodyBytes;

/** 413 payload_too_large once the body (declared or streamed) passes the route's limit. */
export function limitBody(limitOf: BodyLimitOf = defaultBodyLimit): MiddlewareHandler<AppEnv> {
  return (c, next) =>
    bodyLimit({
      maxSize: limitOf(c.var.deps.config),
      // The unread rest of the body makes the connection unusable: say so.
      onError: (c) => c.json(errorBody('payload_too_large', 'request body is too large'), 413, { Connection: 'close' }),
    })(c, next);
}
