// One line per request: method, route pattern, status, duration. Never the
// concrete path (it holds ids), a query, a header, an address or a body.
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppEnv, Logger } from './deps';

export function accessLog(log: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const route = routePath(c); // after next(): the route that answered
    const wildcard = route === '/*' || route === '*';
    const pattern = wildcard ? (c.res.status === 404 ? '(unmatched)' : '(static)') : route;
    log.info(`${c.req.method} ${pattern} ${c.res.status} ${(performance.now() - started).toFixed(1)}ms`);
  };
}
