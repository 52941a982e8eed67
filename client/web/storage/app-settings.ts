// What the web app keeps for itself (sealed in the app vault): preferences and
// unsent drafts. Parsed defensively: a field from an older build falls back to
// its default.
import { type Language, LANGUAGES } from '../i18n';

export interface AppSettings {
  language: Language;
  /** auto-lock after this many minutes without input */
  lockMinutes: number;
  /** show a content-free notification when something arrives while the app is hidden */
  notifications: boolean;
  /** unsent text per group */
  drafts: Record<string, string>;
  /** safety numbers she compared in person and marked verified, by the other device's id (a changed number clears the mark) */
  verified: Record<string, string>;
  /** whether a duress passphrase is set (shown in Settings while unlocked; false in records from older builds) */
  duressSet: boolean;
}

export const LOCK_MINUTE_CHOICES = [1, 5, 15, 60] as const;

export const DEFAULT_SETTINGS: AppSettings = {
  language: 'ko',
  lockMinutes: 5,
  notifications: false,
  drafts: {},
  verified: {},
  duressSet: false,
};

export function parseSettings(raw: unknown): AppSettings {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const drafts: Record<string, string> = {};
  if (typeof r.drafts === 'object' && r.drafts !== null)
    for (const [k, v] of Object.entries(r.drafts)) if (typeof v === 'string') drafts[k] = v;
  return {
    language: LANGUAGES.includes(r.language as Language) ? (r.language as Language) : DEFAULT_SETTINGS.language,
    lockMinutes: (LOCK_MINUTE_CHOICES as readonly unknown[]).includes(r.lockMinutes)
      ? (r.lockMinutes as number)
      : DEFAULT_SETTINGS.lockMinutes,
    notifications: r.notifications === true,
    drafts,
    verified: stringRecord(r.verified),
    duressSet: r.duressSet === true,
  };
}

/** The string entries of a stored record (an older build's settings have none: empty). */
function stringRecord(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof raw === 'object' && raw !== null)
    for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') out[k] = v;
  return out;
}
