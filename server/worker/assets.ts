// deps.assets on Workers: GET requests outside the API go to the static
// assets binding, whose single-page-application mode answers client-side
// routes with index.html (as the Node server does).
import type { MiddlewareHandler } from 'hono';
import { isApiPath } from '../../shared/schemas/api-paths';
import type { WorkerEnv } from './env';

export function workerAssets(env: WorkerEnv): MiddlewareHandler {
  return async (c, next) => {
    if (isApiPath(c.req.path)) return next();
    const res = await env.ASSETS.fetch(c.req.raw);
    // A copy: the binding's headers are immutable, and the app adds its security headers.
    return new Response(res.body, res);
  };
}
