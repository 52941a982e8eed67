// Invite links, as the web app reads and writes them; the format (the code and
// the group's genesis hash, both in the fragment) lives in the SDK so the CLI
// reads the same links. The app reads a link once at start and removes it
// from the address bar and history.
import { inviteFromFragment, parseInvite } from '../../sdk/invite-link';

export { inviteFromFragment, inviteLink, parseInvite, type ParsedInvite } from '../../sdk/invite-link';

/** The invite code in a fragment like "#join=ABCD-…", formatted, or null. */
export function inviteCodeFromFragment(fragment: string): string | null {
  return inviteFromFragment(fragment)?.code ?? null;
}

/** What a person typed or pasted (a code or a whole link), as a formatted code, or null. */
export function canonicalInviteCode(input: string): string | null {
  return parseInvite(input)?.code ?? null;
}
