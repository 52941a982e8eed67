// Encoding, signing and hashing roster commits. The signature covers the exact
// body bytes, so there is no JSON canonicalisation to get wrong.
import { fromB64, fromUtf8, toB64, utf8 } from '../../crypto/encoding';
import { LABELS } from '../../crypto/labels';
import { hash, sign, verify } from '../../crypto/primitives';
import { type CommitBody, commitBodySchema, RosterError, type SignedCommit } from './types';

export const MAX_COMMIT_BODY_BYTES = 16 * 1024;

export function signCommit(body: CommitBody, signSk: Uint8Array): SignedCommit {
  const bytes = utf8(JSON.stringify(commitBodySchema.parse(body)));
  return { body: toB64(bytes), sig: toB64(sign(LABELS.rosterCommit, bytes, signSk)) };
}

/** Parses the body; throws RosterError('roster_malformed') on anything odd. */
export function decodeCommit(commit: SignedCommit): CommitBody {
  try {
    const bytes = fromB64(commit.body);
    if (bytes.length > MAX_COMMIT_BODY_BYTES) throw new Error('too large');
    const parsed = commitBodySchema.safeParse(JSON.parse(fromUtf8(bytes)));
    if (!parsed.success) throw new Error('schema');
    return parsed.data;
  } catch {
    throw new RosterError('roster_malformed', 'roster commit body is malformed');
  }
}

export function commitSignatureValid(commit: SignedCommit, signPk: Uint8Array): boolean {
  try {
    return verify(LABELS.rosterCommit, fromB64(commit.body), fromB64(commit.sig), signPk);
  } catch {
    return false;
  }
}

/** The chain link: hash over the body and the signature. */
export function commitHash(commit: SignedCommit): string {
  return toB64(hash(LABELS.rosterHash, [fromB64(commit.body), fromB64(commit.sig)]));
}
