// Push is off unless the operator turns it on: VAPID_SUBJECT (a mailto: or
// https: contact the push services require) and a key pair (Node: generated
// beside the database at first start; Workers: the VAPID_* secrets).
import { MAX_MEMBERS } from '../../shared/protocol/roster/types';
import { parseAllowedOrigins } from './endpoint-policy';
import { isVapidKeys, type VapidKeys } from './vapid';

export interface PushSettings {
  subject: string;
  keys: VapidKeys;
  /** origins accepted besides the known push services (PUSH_ALLOWED_ORIGINS) */
  allowedOrigins: string[];
  /** at most one push per device per window; the first after a quiet window goes at once */
  coalesceMs: number;
  /** one POST to a push service is abandoned after this long */
  timeoutMs: number;
  /** pushes waiting for a free connection; more are dropped (a slow push service must not grow memory) */
  maxQueued: number;
  /** POSTs to push services in flight at once */
  maxConcurrent: number;
  /** tries per push when the service answers 429 or 5xx, or does not answer */
  maxAttempts: number;
  /** first retry delay, doubled each time (a Retry-After is honoured up to maxRetryDelayMs) */
  retryBaseMs: number;
  maxRetryDelayMs: number;
}

/** The variables push reads, on both runtimes. */
export const PUSH_VARS = {
  subject: 'VAPID_SUBJECT',
  publicKey: 'VAPID_PUBLIC_KEY',
  privateKey: 'VAPID_PRIVATE_KEY',
  allowedOrigins: 'PUSH_ALLOWED_ORIGINS',
  coalesceMs: 'PUSH_COALESCE_MS',
  timeoutMs: 'PUSH_TIMEOUT_MS',
} as const;

export type PushVar = (typeof PUSH_VARS)[keyof typeof PUSH_VARS];

export const PUSH_DEFAULTS = {
  coalesceMs: 30_000,
  timeoutMs: 10_000,
  // a wake for the largest group queues one push per member (a few hundred bytes each)
  maxQueued: MAX_MEMBERS,
  maxConcurrent: 16,
  maxAttempts: 3,
  retryBaseMs: 1000,
  maxRetryDelayMs: 60_000,
} as const;

/** RFC 8030 TTL: a push waits at most a day for an offline phone. */
export const PUSH_TTL_SECONDS = 86_400;

const positiveInt = (value: string | undefined, fallback: number): number => {
  const n = value === undefined ? NaN : Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};

/** VAPID_SUBJECT is set and looks like a contact; otherwise push is off. */
export function pushSubjectFromEnv(env: Record<string, string | undefined>): string | null {
  const subject = env[PUSH_VARS.subject]?.trim() ?? '';
  return /^(mailto:|https:\/\/)\S+$/.test(subject) ? subject : null;
}

/** null: push is off (no subject, or no valid key pair). `keys` defaults to VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY. */
export function pushSettingsFromEnv(env: Record<string, string | undefined>, keys?: VapidKeys): PushSettings | null {
  const subject = pushSubjectFromEnv(env);
  const pair = keys ?? { publicKey: env[PUSH_VARS.publicKey]?.trim(), privateKey: env[PUSH_VARS.privateKey]?.trim() };
  if (!subject || !isVapidKeys(pair)) return null;
  return {
    ...PUSH_DEFAULTS,
    subject,
    keys: pair,
    allowedOrigins: parseAllowedOrigins(env[PUSH_VARS.allowedOrigins]),
    coalesceMs: positiveInt(env[PUSH_VARS.coalesceMs], PUSH_DEFAULTS.coalesceMs),
    timeoutMs: positiveInt(env[PUSH_VARS.timeoutMs], PUSH_DEFAULTS.timeoutMs),
  };
}
