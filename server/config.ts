// Tunables with their defaults. The Node entry reads them from the environment.
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
};

const intFrom = (env: Record<string, string | undefined>, name: string, fallback: number): number => {
  const v = env[name];
  const n = v === undefined ? NaN : Number(v);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
};

export function configFromEnv(env: Record<string, string | undefined>): AppConfig {
  const d = DEFAULT_CONFIG;
  return {
    ...d,
    sessionTtlSeconds: intFrom(env, 'SESSION_TTL_SECONDS', d.sessionTtlSeconds),
    maxBodyBytes: intFrom(env, 'MAX_BODY_BYTES', d.maxBodyBytes),
    inviteRedeemPerMinute: intFrom(env, 'INVITE_REDEEM_LIMIT', d.inviteRedeemPerMinute),
    inviteFailuresPerMinute: intFrom(env, 'INVITE_FAILURES_PER_MINUTE', d.inviteFailuresPerMinute),
    maxJoinRequestsPerInvite: intFrom(env, 'MAX_JOIN_REQUESTS_PER_INVITE', d.maxJoinRequestsPerInvite),
    messagesPerSecond: intFrom(env, 'MESSAGES_PER_SECOND', d.messagesPerSecond),
    loginChallengesPerMinute: intFrom(env, 'LOGIN_CHALLENGES_PER_MINUTE', d.loginChallengesPerMinute),
    registrationsPerMinute: intFrom(env, 'REGISTRATIONS_PER_MINUTE', d.registrationsPerMinute),
  };
}

/** Limits of the Node server's sockets (the Worker has its own, per group object). */
export interface SocketLimits {
  /** open WebSockets in total; more are refused with 503 */
  maxSockets: number;
  /** open WebSockets per device; more are closed with 4003 */
  maxSocketsPerDevice: number;
  /** bytes queued for one peer that does not read before it is cut off (4008) */
  maxBufferedBytes: number;
  heartbeatMs: number;
}

export const DEFAULT_SOCKET_LIMITS: SocketLimits = { maxSockets: 20_000, maxSocketsPerDevice: 10, maxBufferedBytes: 1 << 20, heartbeatMs: 30_000 };

export function socketLimitsFromEnv(env: Record<string, string | undefined>): SocketLimits {
  const d = DEFAULT_SOCKET_LIMITS;
  return {
    maxSockets: intFrom(env, 'MAX_SOCKETS', d.maxSockets),
    maxSocketsPerDevice: intFrom(env, 'MAX_SOCKETS_PER_DEVICE', d.maxSocketsPerDevice),
    maxBufferedBytes: intFrom(env, 'WS_MAX_BUFFERED_BYTES', d.maxBufferedBytes),
    heartbeatMs: intFrom(env, 'WS_HEARTBEAT_MS', d.heartbeatMs),
  };
}
