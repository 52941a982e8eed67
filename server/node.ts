// Node entry point: SQLite file, in-process hub, ws. Only wiring lives here.
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { cryptoReady } from '../shared/crypto/sodium';
import { createApp } from './app';
import { socketLimitsFromEnv } from './config';
import { blobDirFrom, nodeFileBlobStore } from './blob-store/node-files';
import { buildDeps, consoleLog as log } from './deps';
import { memoryHub } from './live/memory-hub';
import { openSqlite } from './node/sqlite-db';
import { webAssets } from './node/web-assets';
import { loadOrCreateVapidKeys } from './node/vapid-file';
import { attachWebSockets } from './node/ws-server';
import { buildPushDeps } from './push/push-deps';
import { pushSettingsFromEnv, pushSubjectFromEnv } from './push/push-settings';
import { wakingHub } from './push/waking-hub';
import { runPurge } from './services/purge';

const env = process.env;
const port = Number(env.PORT ?? 8787);
const host = env.HOST ?? '0.0.0.0';
const databasePath = env.DATABASE_PATH ?? './data/mindeulle.db';
const purgeSeconds = Number(env.PURGE_INTERVAL_SECONDS ?? 300);

await cryptoReady();
const storage = await openSqlite(databasePath);
const socketLimits = socketLimitsFromEnv(env);
const live = memoryHub(socketLimits.maxSocketsPerDevice);
// Push is off unless VAPID_SUBJECT is set; then the key pair lives beside the database.
const vapidKeys = pushSubjectFromEnv(env) ? await loadOrCreateVapidKeys(databasePath, env) : undefined;
const push = buildPushDeps(storage.db, pushSettingsFromEnv(env, vapidKeys), log);
// Attachment blobs as files under BLOB_DIR (default: `blobs` beside the database).
const blobs = await nodeFileBlobStore(blobDirFrom(env, databasePath));
const deps = buildDeps({
  db: storage.db,
  hub: push ? wakingHub(live, live.isLive, push.notifier) : live,
  push,
  blobs,
  env,
  assets: webAssets(env.WEB_ROOT ?? './dist/web'),
});
const app = createApp(deps);

const server = serve({ fetch: app.fetch, port, hostname: host }, (info) =>
  log.info(`mindeulle listening on port ${info.port}`),
) as Server;
const sockets = attachWebSockets(server, deps, socketLimits);

const purgeTimer = setInterval(() => {
  runPurge(deps).catch((err: Error) => log.error(`purge_failed ${err.name}`));
}, purgeSeconds * 1000);
purgeTimer.unref();
void runPurge(deps);

let stopping = false;
function shutdown(signal: string): void {
  if (stopping) return;
  stopping = true;
  log.info(`shutting down (${signal})`);
  clearInterval(purgeTimer);
  // Past the deadline the exit is forced, and says so (a supervisor can tell it apart).
  setTimeout(() => {
    log.error('shutdown_forced after 5 s');
    process.exit(1);
  }, 5000).unref();
  // Stop accepting; requests and frames already received finish and are answered.
  const httpDone = new Promise<void>((resolve) => server.close(() => resolve()));
  // A keep-alive connection becomes idle once its last response is out: close it then.
  server.closeIdleConnections();
  setInterval(() => server.closeIdleConnections(), 100).unref();
  void Promise.all([httpDone, sockets.closeAll('server restarting; reconnect shortly')]).then(() => {
    storage.close().finally(() => process.exit(0));
  });
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
