// Kysely table types: exactly the relay's metadata budget, which
// docs/SECURITY.md section 3 lists column by column with the reason for each.
import type { ColumnType, Generated } from 'kysely';
import type { GrantableRole, MessageKind, Role } from '../../shared/protocol/posting-rules';

export interface DevicesTable {
  id: string; // derived from the identity public key
  sign_pk: string;
  kx_pk: string;
  kx_version: number;
  kx_sig: string;
  created_day: number; // days since 1970-01-01
}

/** Single-use login challenges, deleted at login or expiry. */
export interface AuthChallengesTable {
  challenge_hash: string;
  device_id: string;
  expires_at: number;
}

export interface SessionsTable {
  token_hash: string;
  device_id: string;
  expires_at: number;
}

export interface GroupsTable {
  id: string;
  created_day: number;
  roster_seq: number; // head of the roster log
  roster_head: string;
  epoch: number; // cached from the roster
  retention_seconds: number | null; // cached from the roster
  announcement_only: number; // cached from the roster
  /** highest message sequence ever removed by the purge, so sequences never repeat */
  purged_seq: number;
  /** the lowest epoch posts may use: the epoch of the newest commit that removed a member (0: none) */
  min_post_epoch: ColumnType<number, number | undefined, number>;
}

export interface RosterCommitsTable {
  group_id: string;
  seq: number;
  prev_hash: string | null;
  hash: string;
  author: string;
  body: string; // base64url of the signed body (the signed operations)
  sig: string;
  epoch: number;
}

export interface MembershipsTable {
  group_id: string;
  device_id: string;
  role: Role;
}

export interface InvitesTable {
  id: string;
  group_id: string;
  code_hash: string;
  role: GrantableRole;
  expires_at: number;
  max_uses: number;
  uses: number;
  revoked: number;
  creator: string;
  label: string;
}

export interface JoinRequestsTable {
  id: string;
  invite_id: string;
  device_id: string;
  introduction: string;
  created_day: number;
}

export interface KeyEnvelopesTable {
  group_id: string;
  epoch: number;
  recipient: string;
  sealed: string;
}

export interface MessagesTable {
  group_id: string;
  seq: number;
  client_msg_id: string;
  epoch: number;
  kind: MessageKind;
  ciphertext: string;
  pinned: number;
  expires_at: number | null;
  created_at: number; // rounded down to the hour
  rowid?: Generated<number>;
}

/** One Web Push endpoint per device that opted in (SECURITY.md section 3). */
export interface PushSubscriptionsTable {
  device_id: string;
  endpoint: string;
}

/** An attachment blob, finished or being uploaded (migration 0004). */
export interface BlobsTable {
  id: string;
  group_id: string;
  /** ciphertext bytes, declared when the upload starts */
  size: number;
  received: number;
  complete: number;
  /** the uploading device while the upload is unfinished; null once complete */
  uploader: string | null;
  delete_token_hash: string;
  expires_at: number | null;
  created_at: number; // rounded down to the hour
}

export interface Tables {
  devices: DevicesTable;
  auth_challenges: AuthChallengesTable;
  sessions: SessionsTable;
  groups: GroupsTable;
  roster_commits: RosterCommitsTable;
  memberships: MembershipsTable;
  invites: InvitesTable;
  join_requests: JoinRequestsTable;
  key_envelopes: KeyEnvelopesTable;
  messages: MessagesTable;
  push_subscriptions: PushSubscriptionsTable;
  blobs: BlobsTable;
}
