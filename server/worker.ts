// Cloudflare Workers entry point: D1 storage, one Durable Object per group as
// the live hub, the purge from a Cron Trigger, the web app from the static
// assets binding. Only wiring lives here.
import { errorBody } from './error-body';
import type { App } from './app';
import { socketScope } from './live/socket-path';
import { workerAssets } from './worker/assets';
import type { WorkerEnv } from './worker/env';
import { loadRuntime } from './worker/lazy-runtime';
import { log } from './worker/log';
import { requestHub, withRequestHub } from './worker/request-hub';

export { GroupHub } from './worker/group-hub';

let app: Promise<App> | null = null;

/** createApp once per isolate; its hub forwards to the current request's hub. */
function appFor(env: WorkerEnv): Promise<App> {
  app ??= loadRuntime()
    .then(async (rt) => rt.createApp({ ...(await rt.workerDeps(env, requestHub)), assets: workerAssets(env) }))
    .catch((err: unknown) => {
      app = null;
      throw err;
    });
  return app;
}

export default {
  async fetch(request, env, ctx): Promise<Response> {
    const scope = socketScope(new URL(request.url).pathname);
    if (scope === undefined) {
      // /v1/ws follows all of a device's groups at once, which needs one process that sees them all: Node only.
      return Response.json(
        errorBody('route_not_found', 'this server has per-group sockets only: /v1/groups/{groupId}/ws'),
        { status: 404 },
      );
    }
    if (typeof scope === 'string' && request.headers.get('upgrade')?.toLowerCase() === 'websocket') {
      return env.GROUPS.get(env.GROUPS.idFromName(scope)).fetch(request);
    }
    const handler = await appFor(env);
    return withRequestHub(env, ctx, async () => handler.fetch(request, env, ctx));
  },

  async scheduled(_controller, env, ctx): Promise<void> {
    const run = async () => {
      const rt = await loadRuntime();
      const { messages, blobs } = await rt.runPurge(await rt.workerDeps(env, requestHub));
      log.info(`purge messages=${messages} blobs=${blobs}`);
    };
    ctx.waitUntil(run().catch((err: Error) => log.error(`purge_failed ${err.name}`)));
  },
} satisfies ExportedHandler<WorkerEnv>;
