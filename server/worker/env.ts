// The Worker's bindings (wrangler.toml) and variables: every tunable that
// configFromEnv reads (server/config.ts), as strings from [vars] or secrets.
import type { CLOCK_SKEW_VAR, ConfigVar } from '../config';
import type { PushVar } from '../push/push-settings';
import type { GroupHubRpc } from './group-hub-rpc';

/** Push variables too: VAPID_SUBJECT in [vars], VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY as secrets. */
export interface WorkerEnv extends Partial<Record<ConfigVar | PushVar | typeof CLOCK_SKEW_VAR, string>> {
  DB: D1Database;
  GROUPS: DurableObjectNamespace<GroupHubRpc>;
  ASSETS: Fetcher;
  /** encrypted attachment blobs (r2-blob-store.ts); absent: the blob routes answer 503 blobs_unavailable */
  BLOBS?: R2Bucket;
}

/** The string variables only, in the shape configFromEnv reads. */
export function varsOf(env: WorkerEnv): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
