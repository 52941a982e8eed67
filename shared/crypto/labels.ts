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
  /** signature: an admin's epoch envelope (names group, epoch, recipient, commit) */
  epochEnvelope: 'mindeulle/epoch-envelope/v1',
  /** hash: the naming fields sealed together with an epoch secret */
  epochSecretContext: 'mindeulle/epoch-secret-context/v1',
  /** kdf: epoch secret -> a sender's chain key 0 */
  chainInit: 'mindeulle/chain-init/v1',
  /** kdf: chain key i -> chain key i+1 */
  chainNext: 'mindeulle/chain-next/v1',
  /** kdf: chain key i -> message key i */
  messageKey: 'mindeulle/message-key/v1',
  /** kdf: epoch secret -> the epoch-wide metadata key (outer envelope layer) */
  metadataKey: 'mindeulle/metadata-key/v1',
  /** aead: message body under a message key, header as associated data */
  messageInner: 'mindeulle/message-inner/v1',
  /** aead: padded header + body + signature under the metadata key */
  messageOuter: 'mindeulle/message-outer/v1',
  /** signature: a sender signs message header + inner ciphertext */
  messageSig: 'mindeulle/message-sig/v1',
  /** hash: iterated fingerprint of a signing key for the safety number */
  safetyNumber: 'mindeulle/safety-number/v1',
  /** kdf: Argon2id output -> local storage key */
  passphraseKey: 'mindeulle/passphrase-key/v1',
  /** aead: an encrypted-at-rest blob, its slot name as associated data */
  atRest: 'mindeulle/at-rest/v1',
  /** kdf: local storage key -> the opaque name a sealed document is stored under */
  storeName: 'mindeulle/store-name/v1',
  /** aead: a note only a group's admins can read (invite label, join introduction) */
  adminNote: 'mindeulle/admin-note/v1',
  /** signature: a requesting device signs its introduction (group, invite, its id and key, text) */
  introduction: 'mindeulle/introduction/v1',
  /** aead: an urgent help request or its acknowledgement, sealed to the group's facilitators, admins and its requester */
  urgentHelp: 'mindeulle/urgent-help/v1',
  /** secretstream: an attachment's padded bytes in 64 KiB chunks under its file key (label as each chunk's associated data) */
  attachmentChunk: 'mindeulle/attachment-chunk/v1',
  /** hash: an attachment's whole ciphertext (header and chunks), checked before anything is decrypted */
  attachmentHash: 'mindeulle/attachment-hash/v1',
  /** hash: an attachment blob's delete token -> what the relay stores */
  blobDeleteToken: 'mindeulle/blob-delete-token/v1',
} as const;

export type LabelName = keyof typeof LABELS;

export type LabelUse = 'hash' | 'signature' | 'kdf' | 'aead' | 'secretstream';

/** Which primitive each label belongs to; the labelled wrappers accept only their own kind. */
export const LABEL_USES = {
  deviceId: 'hash',
  kxKey: 'signature',
  login: 'signature',
  sessionToken: 'hash',
  inviteCode: 'hash',
  rosterCommit: 'signature',
  rosterHash: 'hash',
  epochEnvelope: 'signature',
  epochSecretContext: 'hash',
  chainInit: 'kdf',
  chainNext: 'kdf',
  messageKey: 'kdf',
  metadataKey: 'kdf',
  messageInner: 'aead',
  messageOuter: 'aead',
  messageSig: 'signature',
  safetyNumber: 'hash',
  passphraseKey: 'kdf',
  atRest: 'aead',
  storeName: 'kdf',
  adminNote: 'aead',
  introduction: 'signature',
  urgentHelp: 'aead',
  attachmentChunk: 'secretstream',
  attachmentHash: 'hash',
  blobDeleteToken: 'hash',
} as const satisfies Record<LabelName, LabelUse>;

type LabelsFor<U extends LabelUse> = (typeof LABELS)[{
  [K in LabelName]: (typeof LABEL_USES)[K] extends U ? K : never;
}[LabelName]];

export type HashLabel = LabelsFor<'hash'>;
export type SignatureLabel = LabelsFor<'signature'>;
export type KdfLabel = LabelsFor<'kdf'>;
export type AeadLabel = LabelsFor<'aead'>;
export type SecretstreamLabel = LabelsFor<'secretstream'>;

/** All labels of one use, e.g. for cross-use tests. */
export function labelsFor<U extends LabelUse>(use: U): LabelsFor<U>[] {
  return (Object.keys(LABELS) as LabelName[])
    .filter((k) => LABEL_USES[k] === use)
    .map((k) => LABELS[k]) as LabelsFor<U>[];
}
