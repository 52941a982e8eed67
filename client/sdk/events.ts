// What the SDK yields to an app: decrypted, verified events with the flags a
// person needs to judge them. Apps render these and never touch ciphertext.
import type { DecodedPlaintext } from '../../shared/protocol/plaintext';
import type { MessageKind, Role } from '../../shared/protocol/posting-rules';
import type { OpenGap } from './gaps';
import type { UrgentRecord } from './urgent-help';

export interface EventFlags {
  /** the signature verifies against the sender's key in the verified roster */
  verified: boolean;
  /** a per-sender counter jumped: something was dropped or is still missing (cleared in the history once it arrives) */
  gap: boolean;
  /** the same message (or counter) arrived again and was discarded */
  replay: boolean;
  /** the server's roster disagrees with the signed chain (e.g. a member no admin added) */
  invalidRoster: boolean;
  /** the sender's role at that epoch did not allow this kind (e.g. a member's bulletin) */
  roleRejected: boolean;
  /** the server skipped sequence numbers before this message: rows were withheld (absent in older histories) */
  seqJump?: boolean;
}

export interface MessageEvent {
  type: 'message';
  groupId: string;
  seq: number;
  messageId: string;
  kind: MessageKind;
  sender: string;
  /** the sender's role at the message's epoch, from the signed roster */
  senderRole: Role | null;
  content: DecodedPlaintext;
  sentAt: number;
  pinned: boolean;
  expiresAt: number | null;
  flags: EventFlags;
  /** the epoch and the sender's counter in it (gap bookkeeping); absent in histories stored by older versions */
  epoch?: number;
  counter?: number;
  /** in the history: the sender rewrote it (the content holds the latest text only) */
  edited?: boolean;
  /** in the history: the sender deleted it for everyone (its content is gone; a `delete` placeholder stands in) */
  deleted?: boolean;
  /**
   * On an edit or delete event: whether this device applied it to its history
   * (only the original sender may change her message; anything else is ignored).
   */
  change?: 'applied' | 'ignored';
  /** a pinned bulletin (or an edit of one) from before this device joined, carried by a facilitator or admin (at her approval, or when pinned later) and checked against its author's signature */
  carried?: boolean;
}

/** A message that could not be read at all (wrong key, forged, moved): shown as a warning, never as content. */
export interface UndecryptableEvent {
  type: 'undecryptable';
  groupId: string;
  seq: number;
  reason: string;
}

export interface RosterEvent {
  type: 'roster';
  groupId: string;
  /** false when the chain failed verification: the app warns and the client stops trusting the group */
  valid: boolean;
  members: { deviceId: string; role: Role }[];
  removedSelf: boolean;
}

export interface JoinRequestEvent {
  type: 'join-request';
  groupId: string;
  requestId: string;
}

/** The server showed a group whose genesis is not the one her invite link named: refused, nothing stored (P13). */
export interface WrongGroupEvent {
  type: 'wrong-group';
  groupId: string;
}

/** A group appeared that she did not ask to join: shown as an invitation to accept or decline (P13). */
export interface InvitationEvent {
  type: 'invitation';
  groupId: string;
}

export interface ConnectionEvent {
  type: 'connection';
  online: boolean;
}

/** Messages held while offline (held.ts) changed for this group: one was held, sealed and handed on, cancelled or refused. */
export interface QueueEvent {
  type: 'queue';
  groupId: string;
}

/** After a catch-up, when the set of messages known to be missing changed: what is still missing (P7). */
export interface GapsEvent {
  type: 'gaps';
  groupId: string;
  open: OpenGap[];
}

/** A member's encrypted epoch-check named another roster for a sequence this device verified: the server forked the group (P14). */
export interface ForkEvent {
  type: 'fork';
  groupId: string;
  seq: number;
  /** the member whose device holds the other version */
  sender: string;
}

/** The group's current epoch removed someone and its key has not arrived (true), or has now (false): sending waits for it. */
export interface KeyStateEvent {
  type: 'key-state';
  groupId: string;
  waitingForKey: boolean;
}

/**
 * An epoch started after this device rotated its key-exchange key arrived
 * sealed to a key it had retired: the server served an admin her old key
 * (P8). The envelope is not opened and a fresh epoch is asked for.
 */
export interface StaleKeyEvent {
  type: 'stale-key';
  groupId: string;
  epoch: number;
}

/** An urgent help request this device may read (a facilitator or admin, or the requester herself): urgent-help.ts. */
export interface UrgentHelpEvent extends Omit<UrgentRecord, 'expiresAt'> {
  type: 'urgent-help';
  groupId: string;
  requestId: string;
}

/** A facilitator or admin acknowledged an urgent request ("I saw it, I will get in touch"). */
export interface UrgentAckEvent {
  type: 'urgent-ack';
  groupId: string;
  requestId: string;
  by: string;
  sentAt: number;
}

export type ClientEvent =
  | MessageEvent
  | UndecryptableEvent
  | RosterEvent
  | JoinRequestEvent
  | ConnectionEvent
  | GapsEvent
  | ForkEvent
  | WrongGroupEvent
  | InvitationEvent
  | KeyStateEvent
  | StaleKeyEvent
  | QueueEvent
  | UrgentHelpEvent
  | UrgentAckEvent;
