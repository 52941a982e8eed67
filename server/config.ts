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
  return {
    ...DEFAULT_CONFIG,
    sessionTtlSeconds: intFrom(env, 'SESSION_TTL_SECONDS', DEFAULT_CONFIG.sessionTtlSeconds),
    inviteRedeemPerMinute: intFrom(env, 'INVITE_REDEEM_LIMIT', DEFAULT_CONFIG.inviteRedeemPerMinute),
    messagesPerSecond: intFrom(env, 'MESSAGES_PER_SECOND', DEFAULT_CONFIG.messagesPerSecond),
    registrationsPerMinute: intFrom(env, 'REGISTRATIONS_PER_MINUTE', DEFAULT_CONFIG.registrationsPerMinute),
  };
}
