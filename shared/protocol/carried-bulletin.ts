// Pinned bulletins for newcomers (PROTOCOL.md section 10, "Pinned bulletins
// reach newcomers"). A newcomer holds no key of the epochs before her join, so
// the admin who approves her carries each pinned bulletin into the new epoch:
// the bulletin's original signed inner layer and its one message key, inside a
// meta message. Here the newcomer checks it exactly as if she had read it in
// its own epoch: a bulletin of this group, by a member whom the signed roster
// of that epoch lets post bulletins, signed by that member's roster key, and
// opening under the carried key. The carrier vouches for nothing but the
// choice of what to carry; she cannot change a word of it.
import { fromB64 } from '../crypto/encoding';
import { LABELS } from '../crypto/labels';
import { aeadDecrypt, verify } from '../crypto/primitives';
import {
  type CarryMaterial,
  type DecryptedMessage,
  decodeInner,
  ENVELOPE_VERSION,
  MessageError,
  senderMayPost,
  signedPart,
} from './message-envelope';
import type { RosterState } from './roster';

export interface CarryContext {
  group: string;
  /** the epoch of the meta message that carries it: a bulletin is never carried backwards */
  carriedIn: number;
  /** the verified roster state of an epoch (the last state with that epoch), if the chain reaches it */
  rosterAt(epoch: number): RosterState | undefined;
}

/**
 * Checks and opens a carried bulletin; throws MessageError: `malformed` (layout),
 * `unsupported_version`, `binding` (another group, not a bulletin, or a later
 * epoch), `unknown_sender` (not in that epoch's roster), `bad_signature`,
 * `not_allowed` (that epoch's roster did not let the author post bulletins),
 * `bad_ciphertext` (the key does not open the signed ciphertext).
 */
export function openCarriedBulletin(carried: CarryMaterial, ctx: CarryContext): DecryptedMessage {
  let parsed: ReturnType<typeof decodeInner>;
  try {
    parsed = decodeInner(carried.inner);
  } catch {
    throw new MessageError('malformed', 'carried bulletin layout is malformed');
  }
  const { header, headerBytes, nonce, sig, ciphertext } = parsed;
  if (header.version !== ENVELOPE_VERSION) throw new MessageError('unsupported_version', 'unsupported message version');
  if (header.group !== ctx.group || header.kind !== 'bulletin' || header.epoch > ctx.carriedIn)
    throw new MessageError('binding', 'not a bulletin of this group from an earlier epoch');
  const roster = ctx.rosterAt(header.epoch);
  const author = roster?.members.get(header.sender);
  if (!roster || !author) throw new MessageError('unknown_sender', 'author is not a member of that epoch');
  if (!verify(LABELS.messageSig, signedPart(headerBytes, nonce, ciphertext), sig, fromB64(author.signPk)))
    throw new MessageError('bad_signature', 'carried bulletin is not signed by its author');
  if (!senderMayPost(roster, header.sender, 'bulletin'))
    throw new MessageError('not_allowed', 'author could not post bulletins in that epoch');
  const plaintext = aeadDecrypt(LABELS.messageInner, carried.messageKey, nonce, ciphertext, [headerBytes]);
  if (!plaintext) throw new MessageError('bad_ciphertext', 'carried key does not open the bulletin');
  return { header, plaintext };
}
