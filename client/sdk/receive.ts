// One stored envelope -> one event. Decrypts with the epoch's keys, checks the
// sender against the verified roster of that epoch, and sets the flags a
// person needs: verified, gap, replay, invalid roster, role rejected (P2, P7, P9).
import { fromB64 } from '../../shared/crypto/encoding';
import { decryptMessage, MessageError, senderMayPost } from '../../shared/protocol/message-envelope';
import { decodePlaintext, type DecodedPlaintext, typeAllowedIn } from '../../shared/protocol/plaintext';
import type { StoredMessage } from '../../shared/schemas/messages';
import type { ClientEvent, EventFlags, MessageEvent, UndecryptableEvent } from './events';
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
  const fresh = m.seq > record.lastSeq;
  record.lastSeq = Math.max(record.lastSeq, m.seq);
  if (seenAt !== undefined) return replayOf(state, m);
  if (!fresh || m.epoch < joinEpoch) return null;
  const keys = state.keys.get(m.epoch);
  if (!keys) return undecryptable(groupId, m.seq, 'no_epoch_key');

  let header, plaintext;
  try {
    ({ header, plaintext } = decryptMessage(keys, fromB64(m.ciphertext), { group: groupId, epoch: m.epoch, kind: m.kind, messageId: m.clientMsgId }));
  } catch (e) {
    if (e instanceof MessageError) return undecryptable(groupId, m.seq, e.code);
    return undecryptable(groupId, m.seq, 'malformed');
  }
  state.touchEpoch(m.epoch);
  state.remember(m.clientMsgId, m.seq, m.epoch);

  let content: DecodedPlaintext;
  try {
    content = decodePlaintext(plaintext);
  } catch {
    return undecryptable(groupId, m.seq, 'malformed_plaintext');
  }
  if (content.type !== 'unsupported' && !typeAllowedIn(m.kind, content.type)) return undecryptable(groupId, m.seq, 'type_not_allowed');

  const roster = state.chain.atEpoch(m.epoch);
  const senderRole = roster?.members.get(header.sender)?.role ?? null;
  const roleRejected = !roster || !senderMayPost(roster, header.sender, m.kind) || (content.type === 'group-name' && senderRole !== 'admin');

  const counterKey = `${m.epoch}:${header.sender}`;
  const highest = state.record.counters[counterKey] ?? -1;
  const gap = header.counter > highest + 1;
  state.record.counters[counterKey] = Math.max(highest, header.counter);

  const flags: EventFlags = { verified: true, gap, replay: false, invalidRoster: !state.rosterValid, roleRejected };
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
  };
  if (!roleRejected) applyMeta(state, event);
  const info = state.record.epochs[m.epoch];
  if (info && m.kind !== 'meta') info.messages++;
  return { event, keep: !roleRejected && m.kind !== 'meta' };
}

/** A message id read before, at another sequence: the server (or someone) replayed it. Discarded, and flagged. */
function replayOf(state: GroupState, m: StoredMessage): Received {
  const original = state.history.find((e) => e.messageId === m.clientMsgId);
  if (!original) return undecryptable(state.groupId, m.seq, 'replay');
  return { event: { ...original, seq: m.seq, flags: { ...original.flags, replay: true } }, keep: false };
}

/** Profile and group-name updates travel as meta messages. */
function applyMeta(state: GroupState, e: MessageEvent): void {
  if (e.content.type === 'profile') state.record.displayNames[e.sender] = e.content.displayName;
  if (e.content.type === 'group-name') state.record.name = e.content.name;
}
