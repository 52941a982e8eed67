// How a route is declared: public or behind a session. The declaration sets the
// OpenAPI `security`, the body limit and (for a session route) the authentication
// middleware together, so a new route cannot get one without the others. The
// middleware runs before validation: a request without a session is 401, never 400.
import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { requireSession, type SessionEnv } from '../auth-middleware';
import { type BodyLimitOf, limitBody } from '../body-limit';
import type { AppEnv } from '../deps';

/** A route as a route file writes it; every operation names itself for generated clients. */
type RouteDeclaration = Omit<RouteConfig, 'security' | 'middleware'> & { operationId: string };

export interface RouteLimits {
  /** the route's own body limit; the configured maxBodyBytes otherwise */
  bodyLimit?: BodyLimitOf;
}

const bearer = [{ bearer: [] as string[] }];

/** A route anyone may call (registration, login): `security: []`. */
export function publicRoute<R extends RouteDeclaration>(route: R, limits: RouteLimits = {}) {
  const middleware: [MiddlewareHandler<AppEnv>] = [limitBody(limits.bodyLimit)];
  return createRoute({ ...route, security: [], middleware });
}

/** A route for a signed-in device: bearer security, and `c.var.deviceId` in the handler. */
export function sessionRoute<R extends RouteDeclaration>(route: R, limits: RouteLimits = {}) {
  const middleware: [MiddlewareHandler<AppEnv>, MiddlewareHandler<SessionEnv>] = [
    limitBody(limits.bodyLimit),
    requireSession,
  ];
  return createRoute({ ...route, security: bearer, middleware });
}
