// The SDK's public surface, as the CLI and the web app use it. The client in
// client/sdk/ implements it over shared/ (protocol) and the relay API.
import type { BulletinPosted } from './bulletin-groups';
import type { HelpSettings, UrgentRequestInfo } from './urgent-help';
import type { GrantableRole, MessageKind, Role } from '../../shared/protocol/posting-rules';
import type { AttachmentDescriptor } from '../../shared/protocol/attachment';
import type { DownloadOptions, FileToSend, SendFileOptions } from './attachments';
import type { ClientEvent, MessageEvent } from './events';
import type { OpenGap } from './gaps';

export interface GroupView {
  groupId: string;
  /** from the group's encrypted meta messages; null until one is read */
  name: string | null;
  role: Role;
  epoch: number;
  members: MemberView[];
  /** devices that were members and are not now (removed or left), with the name they last had: their past messages keep it */
  formerMembers: MemberView[];
  /** an admin removed this device: the group is kept read-only (the history it read) until forgetGroup */
  removed: boolean;
  retentionSeconds: number | null;
  announcementOnly: boolean;
  /** unread messages and bulletins together (the group list's count) */
  unread: number;
  /** unread per tab: chat messages and bulletins, each with its own read mark */
  unreadByKind: { message: number; bulletin: number };
  /** the signed roster chain verified and matches what the server reports */
  rosterValid: boolean;
  /** messages known to be sent but still not read after catch-up (a late one closes its gap) */
  openGaps: OpenGap[];
  /** a member's device holds another version of the roster: the server shows members different groups */
  fork: boolean;
  /** the verified roster's head (also on the safety-number screen) */
  rosterHead: { seq: number; head: string };
  /** she was put in this group without asking to join it: nothing is sent until she accepts or declines (P13) */
  invitation: boolean;
  /** her invite link named this group (its genesis hash) or she created it; false: compare safety numbers */
  doorVerified: boolean;
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
  role?: GrantableRole;
  maxUses?: number;
  expiresInSeconds?: number;
  /** shown to admins only; encrypted before it leaves the device */
  label?: string;
}

export interface InviteInfo {
  inviteId: string;
  role: GrantableRole;
  expiresAt: number;
  maxUses: number;
  uses: number;
  revoked: boolean;
  label: string | null;
}

export type IntroductionStatus = 'none' | 'verified' | 'unreadable' | 'transplanted';

export interface JoinRequestInfo {
  requestId: string;
  deviceId: string;
  role: GrantableRole;
  inviteId: string;
  /** the introduction, only when it opened for this request's device and that device signed it */
  introduction: string | null;
  /**
   * none: no introduction; verified: written and signed by the requesting device;
   * unreadable: sealed to other admins or to a key this device no longer holds;
   * transplanted: present but not this device's (the server may have swapped the person).
   */
  introductionStatus: IntroductionStatus;
  /** digits to compare in person with the newcomer */
  safetyNumber: string;
  createdAt: number;
}

/** Her safety number with one admin of a group she asked to join, shown while she waits. */
export interface JoinSafetyNumber {
  adminId: string;
  digits: string;
  qr: string;
}

/** What apps preselect for a new group's message retention (30 days); the SDK itself keeps what it is given (none: forever). */
export const DEFAULT_RETENTION_SECONDS = 30 * 24 * 3600;

export interface SafetyNumberView {
  digits: string;
  qr: string;
  /** the group's roster as this device verified it: both people should see the same (a fork shows here) */
  roster: { seq: number; hash: string };
}

export interface SendOptions {
  replyTo?: string;
  /**
   * Called when the live connection runs but the group's socket is down: the
   * message is held unsealed on the device (it leaves once the socket is up),
   * and this gets the id it will have; until then cancelQueued withdraws it.
   */
  onHeld?: (messageId: string) => void;
  /**
   * Called with the id the message is sealed under, before it leaves: the
   * message can come back (live, or in the catch-up before `send` resolves)
   * before `send` does. A post sealed again in a newer epoch gets a new id,
   * which `send` resolves with.
   */
  onSealed?: (messageId: string) => void;
}

/** A message or bulletin written on this device and not yet stored by the relay. */
export interface QueuedMessage {
  messageId: string;
  kind: 'message' | 'bulletin';
  /** the text, for a text message */
  text: string | null;
  /** when she wrote it (Unix ms) */
  sentAt: number;
  /** held unsealed while offline: cancelQueued can still withdraw it (false: sealed and on its way) */
  cancellable: boolean;
  /** an urgent help request (its words are sealed; text is null) */
  urgent?: boolean;
}

export interface MindeulleApi {
  readonly deviceId: string;
  readonly displayName: string | null;

  /**
   * The relay is reachable: a live socket is up (with no group to follow: the
   * last catch-up reached it). `connection` events tell when this changes.
   */
  readonly online: boolean;

  /** Connects the live socket and catches up; events flow to `subscribe` listeners. */
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** The platform says the network is back: sockets waiting out their backoff try at once. */
  reconnect(): void;
  subscribe(listener: (event: ClientEvent) => void): () => void;
  /** Fetches everything missed (roster, key envelopes, messages) for one or all groups. */
  sync(groupId?: string): Promise<void>;

  /** The groups this device holds, from its store (no network); with `includeRemoved`, also those an admin removed it from. */
  groups(options?: { includeRemoved?: boolean }): Promise<GroupView[]>;
  /** Deletes from this device a group an admin removed it from (its history, keys and record). */
  forgetGroup(groupId: string): Promise<void>;
  createGroup(
    name: string,
    settings?: { retentionSeconds?: number | null; announcementOnly?: boolean },
  ): Promise<string>;

  /** `groupHash` is the group's genesis hash, carried by the invite link beside the code (never sent to the server). */
  createInvite(
    groupId: string,
    options?: InviteOptions,
  ): Promise<{ code: string; inviteId: string; groupHash: string }>;
  listInvites(groupId: string): Promise<InviteInfo[]>;
  revokeInvite(groupId: string, inviteId: string): Promise<void>;
  rotateInvites(
    groupId: string,
    options?: InviteOptions,
  ): Promise<{ code: string; inviteId: string; revoked: number; groupHash: string }>;

  /**
   * Redeems a code: files a join request; the group opens when an admin approves.
   * With the link's `groupHash` the group is refused unless its genesis matches;
   * without it the group is shown as not verified.
   */
  join(code: string, introduction?: string, groupHash?: string | null): Promise<{ requestId: string; groupId: string }>;
  /** Takes part in a group she was put in without asking: posts her profile as a member does. */
  acceptInvitation(groupId: string): Promise<void>;
  /** Leaves a group she was put in without asking, and forgets it. */
  declineInvitation(groupId: string): Promise<void>;
  /** Leaves a group (a signed commit of her own); admins start a new epoch without her. */
  leaveGroup(groupId: string): Promise<void>;
  pendingJoins(): Promise<{ requestId: string; groupId: string }[]>;
  /** While her join request waits: the safety number with each of the group's admins, to compare with the approving admin's card. */
  joinSafetyNumbers(groupId: string): Promise<JoinSafetyNumber[]>;
  joinRequests(groupId: string): Promise<JoinRequestInfo[]>;
  /** How many join requests wait in a group she administers. */
  joinRequestCount(groupId: string): Promise<number>;
  approve(groupId: string, requestId: string): Promise<void>;
  reject(groupId: string, requestId: string): Promise<void>;
  /** Rejects every pending join request of the group, or of one invite (a leaked code's flood); returns how many. */
  clearJoinRequests(groupId: string, options?: { inviteId?: string }): Promise<number>;

  removeMember(groupId: string, deviceId: string): Promise<void>;
  setRole(groupId: string, deviceId: string, role: Role): Promise<void>;
  setSettings(
    groupId: string,
    settings: {
      retentionSeconds?: number | null;
      announcementOnly?: boolean;
      /** seconds before her app shows the help numbers when nobody acknowledged her urgent request */
      urgentAnswerSeconds?: number;
      helpNumbers?: string[];
    },
  ): Promise<void>;
  /** Starts a new epoch now (also done automatically: weekly or after 1,000 messages). */
  rotateEpoch(groupId: string): Promise<void>;
  setDisplayName(name: string): Promise<void>;

  send(groupId: string, text: string, options?: SendOptions): Promise<{ messageId: string; seq: number }>;
  postBulletin(groupId: string, text: string, options?: { pin?: boolean }): Promise<{ messageId: string; seq: number }>;
  pin(groupId: string, seq: number, pinned: boolean): Promise<void>;
  /** The same bulletin to each group, sealed for each; if she may not post a bulletin in one, nothing is sent and the error names it. */
  postBulletinToGroups(groupIds: string[], text: string, options?: { pin?: boolean }): Promise<BulletinPosted[]>;
  /**
   * Asks the group's facilitators and admins for help: a chat message only they
   * (and she) can open. Held while offline like a message (`onHeld` gets its id).
   */
  requestHelp(
    groupId: string,
    text?: string,
    options?: { onHeld?: (messageId: string) => void },
  ): Promise<{ messageId: string; seq: number }>;
  /** A facilitator or admin tells the requester and the others that she saw it and will get in touch. */
  acknowledgeHelp(groupId: string, requestId: string): Promise<{ messageId: string; seq: number }>;
  /** The urgent requests this device can read (as a facilitator or admin, or her own), oldest first. */
  urgentRequests(groupId: string): UrgentRequestInfo[];
  /** The admin's wait before the help numbers show, and the numbers. */
  helpSettings(groupId: string): HelpSettings;
  /** Messages and bulletins of the group written here and not yet stored by the relay, oldest first (from the device). */
  queued(groupId: string): Promise<QueuedMessage[]>;
  /**
   * Withdraws a message held while offline: true when it was still held (it
   * was never sealed or sent, spent no counter, and never will be sent; its
   * send() rejects with `cancelled`); false when it is already on its way.
   */
  cancelQueued(groupId: string, messageId: string): Promise<boolean>;
  /** Decrypted history held locally (after sync), oldest first. */
  history(groupId: string, options?: { kind?: Exclude<MessageKind, 'meta'> }): Promise<MessageEvent[]>;
  /** Marks the group read: one tab's kind ('message' or 'bulletin'), or everything without one. */
  markRead(groupId: string, kind?: 'message' | 'bulletin'): Promise<void>;
  /** Rewrites her own message or bulletin for everyone (receivers accept it only from its sender). */
  editMessage(groupId: string, messageId: string, text: string): Promise<{ messageId: string; seq: number }>;
  /** Deletes her own message or bulletin for everyone: every member's device drops its text. */
  deleteMessage(groupId: string, messageId: string): Promise<{ messageId: string; seq: number }>;
  /** Encrypts a file under a fresh key, uploads it in resumable parts and posts it (deleting the message later deletes the file). */
  sendFile(
    groupId: string,
    file: FileToSend,
    options?: SendFileOptions,
  ): Promise<{ messageId: string; seq: number; attachment: AttachmentDescriptor }>;
  /** Fetches, checks and decrypts an attachment (by message id or descriptor); no bytes unless all of it checked out. */
  downloadAttachment(
    groupId: string,
    which: string | AttachmentDescriptor,
    options?: DownloadOptions,
  ): Promise<{ bytes: Uint8Array; attachment: AttachmentDescriptor }>;

  safetyNumber(groupId: string, deviceId: string): Promise<SafetyNumberView>;
  /** Rotates this device's X25519 key (also on a schedule), so later epochs heal after a compromise. */
  rotateDeviceKey(): Promise<void>;
  /** Ends every session of this device on the server. */
  logoutEverywhere(): Promise<void>;
  /** Re-seals everything this device stores under a new passphrase; 'wrong_passphrase' if `current` is not it. */
  changePassphrase(current: string, next: string): Promise<void>;
  /** The relay's VAPID public key for PushManager.subscribe; RelayError push_unavailable when the relay sends no pushes. */
  pushKey(): Promise<string>;
  /** Stores this device's push endpoint on the relay (the only thing it keeps), or forgets it (null). */
  setPushEndpoint(endpoint: string | null): Promise<void>;
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

export type { BulletinPosted } from './bulletin-groups';
export type { HelpSettings, UrgentRequestInfo } from './urgent-help';
