// Authentication as route middleware: a route declared with it (routes/declare-route.ts)
// answers 401 before its parameters or body are validated, and its handler reads the
// signed-in device from the typed `c.var.deviceId`.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './deps';
import { authenticate } from './services/access';

/** The context of a route behind requireSession: the device the bearer token belongs to. */
export type SessionEnv = { Variables: AppEnv['Variables'] & { deviceId: string } };

/** Refuses (401 unauthenticated) a request without a live session; otherwise sets `deviceId`. */
export const requireSession: MiddlewareHandler<SessionEnv> = async (c, next) => {
  c.set('deviceId', await authenticate(c.var.deps, c.req.header('authorization')));
  await next();
};
