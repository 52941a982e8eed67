// Invite links carry the code in the URL fragment, which browsers never send
// to a server (so no access log or Referer can hold it): https://host/#join=CODE.
// The app reads it once at start and removes it from the address bar and history.
import { formatInviteCode, normalizeInviteCode } from '../../../shared/protocol/invite-code';

const PARAM = 'join';

export function inviteLink(origin: string, code: string): string {
  return `${origin}/#${PARAM}=${encodeURIComponent(code)}`;
}

/** The invite code in a fragment like "#join=ABCD-…", formatted, or null. */
export function inviteCodeFromFragment(fragment: string): string | null {
  const params = new URLSearchParams(fragment.replace(/^#/, ''));
  const raw = params.get(PARAM);
  return raw === null ? null : canonicalInviteCode(raw);
}

/** What a person typed or pasted (a code or a whole link), as a formatted code, or null. */
export function canonicalInviteCode(input: string): string | null {
  const hashAt = input.indexOf('#');
  if (hashAt >= 0) return inviteCodeFromFragment(input.slice(hashAt));
  const normalized = normalizeInviteCode(input.trim());
  return normalized === null ? null : formatInviteCode(normalized);
}
