// Invite codes: 140 random bits in Crockford base32, typed as seven groups of
// four (e.g. "7K3M-Q9PX-..."). The server stores only a labelled hash.
import { toB64, utf8 } from '../crypto/encoding';
import { LABELS } from '../crypto/labels';
import { hash, randomBytes } from '../crypto/primitives';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const INVITE_CODE_CHARS = 28; // 28 x 5 = 140 bits
const GROUP = 4;

export function generateInviteCode(): string {
  const bytes = randomBytes(18);
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let chars = '';
  for (let i = 0; i < INVITE_CODE_CHARS; i++) chars += ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)];
  return formatInviteCode(chars);
}

export function formatInviteCode(chars: string): string {
  return chars.match(new RegExp(`.{1,${GROUP}}`, 'g'))!.join('-');
}

/**
 * Canonical form of what a person typed: upper case, separators dropped, and
 * Crockford's look-alikes folded (O -> 0, I and L -> 1). Null if it cannot be a code.
 */
export function normalizeInviteCode(input: string): string | null {
  const chars = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (chars.length !== INVITE_CODE_CHARS) return null;
  for (const c of chars) if (!ALPHABET.includes(c)) return null;
  return chars;
}

export function inviteCodeHash(normalized: string): string {
  return toB64(hash(LABELS.inviteCode, [utf8(normalized)]));
}
