// Tunables with their defaults, and the variables they are read from (the
// environment on Node; [vars] in wrangler.toml on Workers). Socket limits live
// here too, for both runtimes.
export interface AppConfig {
  sessionTtlSeconds: number;
  challengeTtlSeconds: number;
  maxBodyBytes: number;
  /** invite previews and redemptions per device per minute */
  inviteRedeemPerMinute: number;
  /** failed redemptions per minute across the server (brute force on codes) */
  inviteFailuresPerMinute: number;
  maxJoinRequestsPerInvite: number;
  messagesPerSecond: number;
  loginChallengesPerMinute: number;
  registrationsPerMinute: number;
  /** largest attachment (file bytes; the relay takes its padded ciphertext) */
  maxBlobBytes: number;
  /** bytes of blobs (finished and being uploaded) one group may hold */
  blobGroupQuotaBytes: number;
  /** uploads a device may start per hour */
  blobUploadsPerHour: number;
  /** an unfinished upload is deleted after this long */
  blobUploadTtlSeconds: number;
}

export const DEFAULT_CONFIG: AppConfig = {
  sessionTtlSeconds: 30 * 24 * 3600,
  challengeTtlSeconds: 120,
  maxBodyBytes: 128 * 1024,
  inviteRedeemPerMinute: 10,
  inviteFailuresPerMinute: 600,
  maxJoinRequestsPerInvite: 200,
  messagesPerSecond: 50,
  loginChallengesPerMinute: 30,
  registrationsPerMinute: 600,
  maxBlobBytes: 25 * 1024 * 1024,
  blobGroupQuotaBytes: 2 * 1024 * 1024 * 1024,
  blobUploadsPerHour: 60,
  blobUploadTtlSeconds: 24 * 3600,
};

/** The variable each tunable is read from; a tunable not listed keeps its default. */
export const CONFIG_VARS = {
  sessionTtlSeconds: 'SESSION_TTL_SECONDS',
  maxBodyBytes: 'MAX_BODY_BYTES',
  inviteRedeemPerMinute: 'INVITE_REDEEM_LIMIT',
  inviteFailuresPerMinute: 'INVITE_FAILURES_PER_MINUTE',
  maxJoinRequestsPerInvite: 'MAX_JOIN_REQUESTS_PER_INVITE',
  messagesPerSecond: 'MESSAGES_PER_SECOND',
  loginChallengesPerMinute: 'LOGIN_CHALLENGES_PER_MINUTE',
  registrationsPerMinute: 'REGISTRATIONS_PER_MINUTE',
  maxBlobBytes: 'MAX_BLOB_BYTES',
  blobGroupQuotaBytes: 'BLOB_GROUP_QUOTA_BYTES',
  blobUploadsPerHour: 'BLOB_UPLOADS_PER_HOUR',
  blobUploadTtlSeconds: 'BLOB_UPLOAD_TTL_SECONDS',
} as const satisfies Partial<Record<keyof AppConfig, string>>;

export type ConfigVar = (typeof CONFIG_VARS)[keyof typeof CONFIG_VARS];

/** Test only: shifts the server clock forward by this many seconds. */
export const CLOCK_SKEW_VAR = 'CLOCK_SKEW_SECONDS';

const intFrom = (env: Record<string, string | undefined>, name: string, fallback: number): number => {
  const v = env[name];
  const n = v === undefined ? NaN : Number(v);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
};

export function configFromEnv(env: Record<string, string | undefined>): AppConfig {
  const config = { ...DEFAULT_CONFIG };
  for (const key of Object.keys(CONFIG_VARS) as (keyof typeof CONFIG_VARS)[])
    config[key] = intFrom(env, CONFIG_VARS[key], DEFAULT_CONFIG[key]);
  return config;
}

export function clockSkewFromEnv(env: Record<string, string | undefined>): number {
  return Number(env[CLOCK_SKEW_VAR] ?? 0) || 0;
}

/** Limits of the live sockets. */
export interface SocketLimits {
  /** open WebSockets in total on a Node server; more are refused with 503 */
  maxSockets: number;
  /** open WebSockets in one group's Durable Object (Cloudflare allows 32,768 hibernating ones); more are refused with 503 */
  maxSocketsPerGroup: number;
  /** open WebSockets per device; more are closed with 4003 */
  maxSocketsPerDevice: number;
  /** bytes queued for one peer that does not read before it is cut off (4008; Node) */
  maxBufferedBytes: number;
  /** ping interval (Node) */
  heartbeatMs: number;
  /** a socket that has not authenticated by then is closed with 4001 */
  authTimeoutMs: number;
}

export const DEFAULT_SOCKET_LIMITS: SocketLimits = {
  maxSockets: 20_000,
  maxSocketsPerGroup: 30_000,
  maxSocketsPerDevice: 10,
  maxBufferedBytes: 1 << 20,
  heartbeatMs: 30_000,
  authTimeoutMs: 10_000,
};

/** The Node server's socket limits (the Worker's group objects use the defaults). */
export function socketLimitsFromEnv(env: Record<string, string | undefined>): SocketLimits {
  const d = DEFAULT_SOCKET_LIMITS;
  return {
    ...d,
    maxSockets: intFrom(env, 'MAX_SOCKETS', d.maxSockets),
    maxSocketsPerDevice: intFrom(env, 'MAX_SOCKETS_PER_DEVICE', d.maxSocketsPerDevice),
    maxBufferedBytes: intFrom(env, 'WS_MAX_BUFFERED_BYTES', d.maxBufferedBytes),
    heartbeatMs: intFrom(env, 'WS_HEARTBEAT_MS', d.heartbeatMs),
  };
}
