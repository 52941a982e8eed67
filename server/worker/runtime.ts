// The heavy half of the Worker, loaded inside a handler (see lazy-runtime.ts):
// libsodium ready, migrations applied once per isolate, deps from the bindings.
import { cryptoReady } from '../../shared/crypto/sodium';
import { type AppDeps, buildDeps } from '../deps';
import type { Hub } from '../live/hub';
import { migrateD1, openD1 } from './d1-db';
import { varsOf, type WorkerEnv } from './env';
import { log } from './log';
import { r2BlobStore } from './r2-blob-store';

export { createApp } from '../app';
export { SocketSession } from '../live/socket-session';
export { runPurge } from '../services/purge';

let ready: Promise<void> | null = null;

/** Loads libsodium and migrates D1 on the isolate's first use; a failure is retried by the next request. */
function prepare(env: WorkerEnv): Promise<void> {
  ready ??= Promise.all([cryptoReady(), migrateD1(openD1(env.DB))]).then(
    () => undefined,
    (err: unknown) => {
      ready = null;
      throw err;
    },
  );
  return ready;
}

/** The deps for createApp or a SocketSession: D1 and the given hub (see buildDeps for the rest). */
export async function workerDeps(env: WorkerEnv, hub: Hub): Promise<AppDeps> {
  await prepare(env);
  return buildDeps({
    db: openD1(env.DB),
    hub,
    env: varsOf(env),
    log,
    ...(env.BLOBS ? { blobs: r2BlobStore(env.BLOBS) } : {}),
  });
}
