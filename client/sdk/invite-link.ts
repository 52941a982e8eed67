// Invite links carry the code and the group's genesis hash in the URL fragment,
// which browsers never send to a server (so no access log or Referer holds
// either): https://host/#join=CODE&g=GENESIS_HASH. The hash names the group:
// the joining client refuses a group whose verified chain starts elsewhere
// (P13). The web app reads links from the address bar, the CLI from its
// arguments; both parse them here.
import { formatInviteCode, normalizeInviteCode } from '../../shared/protocol/invite-code';

const CODE_PARAM = 'join';
const GROUP_PARAM = 'g';
/** A genesis hash: 32 bytes, base64url without padding. */
const GROUP_HASH = /^[A-Za-z0-9_-]{43}$/;

export interface ParsedInvite {
  /** the formatted code */
  code: string;
  /** the group's genesis hash, or null when only a code was given (the group is then not verified) */
  groupHash: string | null;
}

export function inviteLink(origin: string, code: string, groupHash?: string | null): string {
  const group = groupHash ? `&${GROUP_PARAM}=${groupHash}` : '';
  return `${origin}/#${CODE_PARAM}=${encodeURIComponent(code)}${group}`;
}

/** The invite in a fragment like "#join=ABCD-…&g=…", or null (also when its group hash is malformed: a damaged link). */
export function inviteFromFragment(fragment: string): ParsedInvite | null {
  const params = new URLSearchParams(fragment.replace(/^#/, ''));
  const raw = params.get(CODE_PARAM);
  const normalized = raw === null ? null : normalizeInviteCode(raw.trim());
  if (normalized === null) return null;
  const groupHash = params.get(GROUP_PARAM);
  if (groupHash !== null && !GROUP_HASH.test(groupHash)) return null;
  return { code: formatInviteCode(normalized), groupHash };
}

/** What a person typed or pasted: a code, or a whole link. */
export function parseInvite(input: string): ParsedInvite | null {
  const hashAt = input.indexOf('#');
  if (hashAt >= 0) return inviteFromFragment(input.slice(hashAt));
  const normalized = normalizeInviteCode(input.trim());
  return normalized === null ? null : { code: formatInviteCode(normalized), groupHash: null };
}
