// createApp(deps): the whole HTTP API, with no knowledge of the runtime.
// Node (server/node.ts) and Workers wire storage, the hub and the clock.
import { accessLog } from './access-log';
import type { AppDeps } from './deps';
import { errorBody, sendError, toApiError } from './errors';
import { authRoutes } from './routes/auth';
import { blobRoutes } from './routes/blobs';
import { deviceRoutes } from './routes/devices';
import { groupRoutes } from './routes/groups';
import { inviteRoutes } from './routes/invites';
import { joinRequestRoutes } from './routes/join-requests';
import { keyEnvelopeRoutes } from './routes/key-envelopes';
import { messageRoutes } from './routes/messages';
import { newRouter, serveApiDocument } from './routes/openapi';
import { pushRoutes } from './routes/push';
import { securityHeaders } from './security-headers';

export function createApp(deps: AppDeps) {
  const app = newRouter();

  // Route middleware (routes/declare-route.ts: session, body limit) reads deps from here.
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  app.use('*', accessLog(deps.log));
  app.use('*', securityHeaders());
  // Set before the handler runs, so the response is built with it: a header set
  // on a finished response makes hono rebuild it, and @hono/node-server then
  // streams the rebuilt body instead of writing the string it had.
  app.use('/v1/*', async (c, next) => {
    c.header('Cache-Control', 'no-store');
    await next();
  });

  app.get('/healthz', (c) => c.json({ ok: true }));

  deviceRoutes(app, deps);
  authRoutes(app, deps);
  groupRoutes(app, deps);
  inviteRoutes(app, deps);
  joinRequestRoutes(app, deps);
  keyEnvelopeRoutes(app, deps);
  messageRoutes(app, deps);
  pushRoutes(app, deps);
  blobRoutes(app, deps);

  serveApiDocument(app);

  if (deps.assets) app.get('*', deps.assets);

  app.notFound((c) => c.json(errorBody('route_not_found', 'no such route'), 404));
  app.onError((err, c) => {
    const { error, internal } = toApiError(err);
    // Only the error's class and stack frames: messages can quote input.
    if (internal)
      deps.log.error(`internal_error ${err.name} ${(err.stack ?? '').split('\n').slice(1, 4).join(' | ').trim()}`);
    return sendError(c, error);
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
