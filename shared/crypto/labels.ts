// Every domain-separation label in the protocol, in one place. A signature,
// hash, KDF or AEAD use takes exactly one of these; docs/PROTOCOL.md lists them.
// The version suffix changes whenever a byte layout under the label changes.

export const LABELS = {
  /** hash: device id from the Ed25519 signing public key */
  deviceId: 'mindeulle/device-id/v1',
  /** signature: a device binds its X25519 key (and its version) to its identity */
  kxKey: 'mindeulle/kx-key/v1',
  /** signature: challenge-response login */
  login: 'mindeulle/login/v1',
  /** hash: opaque bearer token -> stored session key */
  sessionToken: 'mindeulle/session-token/v1',
  /** hash: invite code -> stored lookup key */
  inviteCode: 'mindeulle/invite-code/v1',
  /** signature: a roster commit body */
  rosterCommit: 'mindeulle/roster-commit/v1',
  /** hash: a roster commit (body and signature) -> chain link */
  rosterHash: 'mindeulle/roster-hash/v1',
} as const;

export type Label = (typeof LABELS)[keyof typeof LABELS];
