// The Worker's bindings (wrangler.toml) and variables.
import type { GroupHub } from './group-hub';

export interface WorkerEnv {
  DB: D1Database;
  GROUPS: DurableObjectNamespace<GroupHub>;
  ASSETS: Fetcher;
  SESSION_TTL_SECONDS?: string;
  INVITE_REDEEM_LIMIT?: string;
  MESSAGES_PER_SECOND?: string;
  /** test only: shifts the server clock forward */
  CLOCK_SKEW_SECONDS?: string;
}

/** The string variables only, in the shape configFromEnv reads. */
export function varsOf(env: WorkerEnv): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
