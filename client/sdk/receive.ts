// One stored envelope -> one event. Decrypts with the epoch's keys, checks the
// sender against the verified roster of that epoch, and sets the flags a
// person needs: verified, gap, replay, invalid roster, role rejected (P2, P7, P9).
import { fromB64 } from '../../shared/crypto/encoding';
import { memzero } from '../../shared/crypto/primitives';
import {
  type CarryMaterial,
  decryptMessage,
  MessageError,
  senderMayPost,
} from '../../shared/protocol/message-envelope';
import { decodePlaintext, type DecodedPlaintext, typeAllowedIn } from '../../shared/protocol/plaintext';
import { mayPin } from '../../shared/protocol/posting-rules';
import type { StoredMessage } from '../../shared/schemas/messages';
import type { ClientEvent, EventFlags, MessageEvent, UndecryptableEvent } from './events';
import { keepBoardCopy, openCarried } from './board-carry';
import { applyEpochCheck } from './delivery-check';
import { addMissing, fillMissing } from './gaps';
import type { GroupState } from './group-state';

export interface Received {
  event: ClientEvent;
  /** goes into the history (a valid message or bulletin) */
  keep: boolean;
}

const undecryptable = (groupId: string, seq: number, reason: string): Received => ({
  event: { type: 'undecryptable', groupId, seq, reason } satisfies UndecryptableEvent,
  keep: false,
});

/**
 * Reads one stored message into `state` (chains advance, counters and ids are
 * remembered). Returns null for what needs no event: a row already read, or a
 * message from before this device joined (it holds no key for it, by design, P6).
 */
export function receiveStored(state: GroupState, m: StoredMessage, joinEpoch: number): Received | null {
  const { groupId, record } = state;
  const seenAt = state.seenAt(m.clientMsgId);
  if (seenAt === m.seq) return null;
  // Only a row that authenticates moves lastSeq (below): a forged one with a huge
  // sequence must not make the real rows after it look already read (P7).
  if (m.seq <= record.lastSeq) return null;
  if (seenAt !== undefined) return state.firstRejection(m.seq) ? replayOf(state, m) : null;
  if (m.epoch < joinEpoch) return (state.firstRejection(m.seq), null);
  const keys = state.keys.get(m.epoch);
  if (!keys) return rejected(state, m.seq, 'no_epoch_key');

  let header: ReturnType<typeof decryptMessage>['header'];
  let plaintext: Uint8Array;
  let carry: CarryMaterial | undefined;
  try {
    ({ header, plaintext, carry } = decryptMessage(
      keys,
      fromB64(m.ciphertext),
      { group: groupId, epoch: m.epoch, kind: m.kind, messageId: m.clientMsgId },
      // A bulletin's inner layer and key are kept, so an admin can carry it to later newcomers (board-carry.ts).
      { keepCarry: m.kind === 'bulletin' },
    ));
  } catch (e) {
    return rejected(state, m.seq, e instanceof MessageError ? e.code : 'malformed');
  }
  const previousSeq = record.lastSeq;
  record.lastSeq = m.seq;
  state.touchEpoch(m.epoch);
  state.remember(m.clientMsgId, m.seq, m.epoch);

  let content: DecodedPlaintext;
  try {
    content = decodePlaintext(plaintext);
  } catch {
    if (carry) memzero(carry.messageKey);
    return undecryptable(groupId, m.seq, 'malformed_plaintext');
  }
  if (content.type !== 'unsupported' && !typeAllowedIn(m.kind, content.type)) {
    if (carry) memzero(carry.messageKey);
    return undecryptable(groupId, m.seq, 'type_not_allowed');
  }

  const roster = state.chain.atEpoch(m.epoch);
  const senderRole = roster?.members.get(header.sender)?.role ?? null;
  const roleRejected =
    !roster ||
    !senderMayPost(roster, header.sender, m.kind) ||
    (content.type === 'group-name' && senderRole !== 'admin') ||
    (content.type === 'carried-bulletin' && !(senderRole && mayPin(senderRole)));

  const gap = countAndCheck(state, m.epoch, header.sender, header.counter);
  // Sequences are consecutive; with no retention none expire, so skipped ones were withheld.
  const expires = state.chain.current.settings.retentionSeconds !== null;
  const seqJump = !expires && previousSeq > 0 && m.seq > previousSeq + 1 && !rejectedBetween(state, previousSeq, m.seq);

  const flags: EventFlags = { verified: true, gap, replay: false, invalidRoster: !state.rosterValid, roleRejected };
  if (seqJump) flags.seqJump = true;
  const event: MessageEvent = {
    type: 'message',
    groupId,
    seq: m.seq,
    messageId: m.clientMsgId,
    kind: m.kind,
    sender: header.sender,
    senderRole,
    content,
    sentAt: content.sentAt ?? 0,
    pinned: m.pinned,
    expiresAt: m.expiresAt,
    flags,
    epoch: m.epoch,
    counter: header.counter,
  };
  if (!roleRejected) applyMeta(state, event);
  const info = state.record.epochs[m.epoch];
  if (info && m.kind !== 'meta') info.messages++;
  // An edit or delete changes the message it names (if its sender wrote it) and is not kept itself.
  if (content.type === 'edit' || content.type === 'delete') {
    const applied = !roleRejected && state.applyChange(event);
    event.change = applied ? 'applied' : 'ignored';
    // an edit of a bulletin is carried after it, so a newcomer reads the latest words
    if (carry && applied && content.type === 'edit') keepBoardCopy(state, event, carry);
    else if (carry) memzero(carry.messageKey);
    return { event, keep: false };
  }
  if (!roleRejected && content.type === 'carried-bulletin') return carriedBulletin(state, event, content);
  // an urgent request is not history: the app reads it (if sealed to this device) through urgent-help.ts
  const keep = !roleRejected && m.kind !== 'meta' && content.type !== 'pin' && content.type !== 'urgent-help';
  if (carry && keep) keepBoardCopy(state, event, carry);
  else if (carry) memzero(carry.messageKey);
  return { event, keep };
}

/**
 * A facilitator or admin carried a pinned bulletin from before this device joined: kept as
 * that bulletin (its author, time, sequence) if it verifies and is not held
 * already; a forgery is reported, never shown as a bulletin.
 */
function carriedBulletin(
  state: GroupState,
  meta: MessageEvent,
  content: Extract<DecodedPlaintext, { type: 'carried-bulletin' }>,
): Received {
  const r = openCarried(state, meta, content);
  // a carried edit changes the bulletin carried before it, and is not kept itself
  if ('event' in r) return { event: r.event, keep: r.event.content.type === 'text' };
  if ('held' in r) return { event: meta, keep: false };
  return undecryptable(state.groupId, meta.seq, r.rejected);
}

/** A message id read before, at another sequence: the server (or someone) replayed it. Discarded, and flagged. */
function replayOf(state: GroupState, m: StoredMessage): Received {
  const original = state.history.find((e) => e.messageId === m.clientMsgId);
  if (!original) return undecryptable(state.groupId, m.seq, 'replay');
  return { event: { ...original, seq: m.seq, flags: { ...original.flags, replay: true } }, keep: false };
}

/** Profile, group-name and epoch-check messages travel as meta messages; a signed pin as a bulletin. */
function applyMeta(state: GroupState, e: MessageEvent): void {
  if (e.content.type === 'profile') state.record.displayNames[e.sender] = e.content.displayName;
  if (e.content.type === 'group-name') state.record.name = e.content.name;
  if (e.content.type === 'pin') {
    state.record.pins[e.content.target] = e.content.pinned;
    state.markPinned(e.content.target, e.content.pinned);
  }
  if (e.content.type === 'epoch-check')
    applyEpochCheck(state, state.keys.get(e.epoch!)?.self ?? '', e.sender, e.content);
}

/**
 * Counts a sender's counter; true when it jumped (a gap opens). A counter that
 * was missing closes its gap, and the messages flagged for it lose the flag
 * (a relay that restarted stored posts out of order: nothing was lost).
 */
function countAndCheck(state: GroupState, epoch: number, sender: string, counter: number): boolean {
  const key = `${epoch}:${sender}`;
  const { counters, missing } = state.record;
  const highest = counters[key] ?? -1;
  if (fillMissing(missing, key, counter)) state.refreshGapFlags(epoch, sender);
  const gap = counter > highest + 1;
  if (gap) addMissing(missing, key, highest + 1, counter - 1);
  counters[key] = Math.max(highest, counter);
  return gap;
}

/** A row that did not authenticate: reported once (never again on each sync), and lastSeq does not move. */
function rejected(state: GroupState, seq: number, reason: string): Received | null {
  return state.firstRejection(seq) ? undecryptable(state.groupId, seq, reason) : null;
}

/** Whether the sequences skipped between two read rows were all served (and rejected), rather than withheld. */
function rejectedBetween(state: GroupState, from: number, to: number): boolean {
  const served = state.record.rejectedSeqs.filter((s) => s > from && s < to).length;
  return served === to - from - 1;
}
