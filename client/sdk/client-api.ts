// The SDK's public surface, as the CLI and the web app use it. The client in
// client/sdk/ implements it over shared/ (protocol) and the relay API.
import type { Role } from '../../shared/protocol/roster';
import type { ClientEvent, MessageEvent } from './events';

export interface GroupView {
  groupId: string;
  /** from the group's encrypted meta messages; null until one is read */
  name: string | null;
  role: Role;
  epoch: number;
  members: MemberView[];
  retentionSeconds: number | null;
  announcementOnly: boolean;
  unread: number;
  /** the signed roster chain verified and matches what the server reports */
  rosterValid: boolean;
  /** a member was removed and the new epoch's key has not arrived: nothing can be sent until it does */
  waitingForKey: boolean;
  /** an epoch's key arrived sealed to a device key this device had retired (the server served an old key); a fresh one was asked for */
  staleKey: boolean;
}

export interface MemberView {
  deviceId: string;
  role: Role;
  /** from the member's encrypted profile message, if any */
  displayName: string | null;
}

export interface InviteOptions {
  role?: 'member' | 'facilitator';
  maxUses?: number;
  expiresInSeconds?: number;
  /** shown to admins only; encrypted before it leaves the device */
  label?: string;
}

export interface InviteInfo {
  inviteId: string;
  role: 'member' | 'facilitator';
  expiresAt: number;
  maxUses: number;
  uses: number;
  revoked: boolean;
  label: string | null;
}

export interface JoinRequestInfo {
  requestId: string;
  deviceId: string;
  role: 'member' | 'facilitator';
  inviteId: string;
  /** decrypted introduction, or null if none or unreadable */
  introduction: string | null;
  /** digits to compare in person with the newcomer */
  safetyNumber: string;
  createdAt: number;
}

export interface SafetyNumberView {
  digits: string;
  qr: string;
}

export interface SendOptions {
  replyTo?: string;
}

export interface MindeulleApi {
  readonly deviceId: string;
  readonly displayName: string | null;

  /** Connects the live socket and catches up; events flow to `subscribe` listeners. */
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  subscribe(listener: (event: ClientEvent) => void): () => void;
  /** Fetches everything missed (roster, key envelopes, messages) for one or all groups. */
  sync(groupId?: string): Promise<void>;

  groups(): Promise<GroupView[]>;
  createGroup(name: string, settings?: { retentionSeconds?: number | null; announcementOnly?: boolean }): Promise<string>;

  createInvite(groupId: string, options?: InviteOptions): Promise<{ code: string; inviteId: string }>;
  listInvites(groupId: string): Promise<InviteInfo[]>;
  revokeInvite(groupId: string, inviteId: string): Promise<void>;
  rotateInvites(groupId: string, options?: InviteOptions): Promise<{ code: string; inviteId: string; revoked: number }>;

  /** Redeems a code: files a join request; the group opens when an admin approves. */
  join(code: string, introduction?: string): Promise<{ requestId: string; groupId: string }>;
  pendingJoins(): Promise<{ requestId: string; groupId: string }[]>;
  joinRequests(groupId: string): Promise<JoinRequestInfo[]>;
  approve(groupId: string, requestId: string): Promise<void>;
  reject(groupId: string, requestId: string): Promise<void>;

  removeMember(groupId: string, deviceId: string): Promise<void>;
  setRole(groupId: string, deviceId: string, role: Role): Promise<void>;
  setSettings(groupId: string, settings: { retentionSeconds?: number | null; announcementOnly?: boolean }): Promise<void>;
  /** Starts a new epoch now (also done automatically: weekly or after 1,000 messages). */
  rotateEpoch(groupId: string): Promise<void>;
  setDisplayName(name: string): Promise<void>;

  send(groupId: string, text: string, options?: SendOptions): Promise<{ messageId: string; seq: number }>;
  postBulletin(groupId: string, text: string, options?: { pin?: boolean }): Promise<{ messageId: string; seq: number }>;
  pin(groupId: string, seq: number, pinned: boolean): Promise<void>;
  /** Decrypted history held locally (after sync), oldest first. */
  history(groupId: string, options?: { kind?: 'message' | 'bulletin' }): Promise<MessageEvent[]>;
  markRead(groupId: string): Promise<void>;

  safetyNumber(groupId: string, deviceId: string): Promise<SafetyNumberView>;
  /** Rotates this device's X25519 key (also on a schedule), so later epochs heal after a compromise. */
  rotateDeviceKey(): Promise<void>;
  /** Ends every session of this device on the server. */
  logoutEverywhere(): Promise<void>;
}

/** How an app opens the SDK. Implemented in client/sdk/ (see its index.ts). */
export interface OpenOptions {
  serverUrl: string;
  /** the platform's byte store; the SDK seals every value with the passphrase-derived key */
  store: import('./store').ByteStore;
  passphrase: string;
  /** WebSocket constructor for the platform (the browser's, or `ws` on Node) */
  openSocket: (url: string) => import('./live-socket').WebSocketLike;
  /** Argon2id cost; tests pass the minimum */
  kdf?: { opslimit: number; memlimit: number };
}

/**
 * createClient: a new identity in an empty store (registers the device).
 * openClient: an existing store; rejects with code 'wrong_passphrase' if the passphrase does not open it.
 * Both: export async function x(options: OpenOptions & { displayName?: string }): Promise<MindeulleApi>.
 */
export type ClientFactory = (options: OpenOptions & { displayName?: string }) => Promise<MindeulleApi>;
