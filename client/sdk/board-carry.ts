// Pinned bulletins reach newcomers (PROTOCOL.md section 10). A newcomer holds
// no key of the epochs before her join (P6), so a notice board pinned before
// she came would be empty for her. Every device keeps, for each bulletin it
// reads, the bulletin's signed inner layer and its one message key; the admin
// who approves a newcomer then posts, in the new epoch (which only current
// members hold: P5), one `carried-bulletin` meta message per pinned bulletin
// and per edit of it (and whoever pins a bulletin later carries it to the
// members who joined after it was posted: carry-send.ts). Each member checks
// a carry against the original author's signature and role in the signed
// roster of its own epoch, and files it once, at the sequence it was first
// stored at.
import { fromB64, toB64 } from '../../shared/crypto/encoding';
import { memzero } from '../../shared/crypto/primitives';
import { openCarriedBulletin } from '../../shared/protocol/carried-bulletin';
import { type CarryMaterial, MessageError } from '../../shared/protocol/message-envelope';
import { type DecodedPlaintext, decodePlaintext, type Plaintext } from '../../shared/protocol/plaintext';
import type { MessageEvent } from './events';
import type { GroupState } from './group-state';

type CarriedPlaintext = Extract<Plaintext, { type: 'carried-bulletin' }>;

/** What a bulletin needs to be carried later; only text and edits are carried (a deletion ends the carrying). */
export function keepBoardCopy(state: GroupState, event: MessageEvent, carry: CarryMaterial): void {
  const c = event.content;
  if (event.kind === 'bulletin' && (c.type === 'text' || c.type === 'edit'))
    state.keepBoardCopy(event.messageId, {
      seq: event.seq,
      inner: toB64(carry.inner),
      key: toB64(carry.messageKey),
      ...(c.type === 'edit' ? { target: c.target } : {}),
    });
  memzero(carry.messageKey);
}

/**
 * A carried bulletin from a facilitator's or admin's meta message: the bulletin as its author
 * signed it, `held` if this device already has it (it read it in its own
 * epoch, or it was carried before), or the reason it was refused.
 */
export function openCarried(
  state: GroupState,
  meta: MessageEvent,
  carried: CarriedPlaintext,
): { event: MessageEvent } | { held: true } | { rejected: string } {
  let opened: ReturnType<typeof openCarriedBulletin>;
  let content: DecodedPlaintext;
  try {
    opened = openCarriedBulletin(
      { inner: fromB64(carried.inner), messageKey: fromB64(carried.key) },
      { group: state.groupId, carriedIn: meta.epoch ?? 0, rosterAt: (e) => state.chain.atEpoch(e) },
    );
    content = decodePlaintext(opened.plaintext);
  } catch (e) {
    return { rejected: e instanceof MessageError ? e.code : 'malformed_plaintext' };
  }
  if (content.type !== 'text' && content.type !== 'edit') return { rejected: 'type_not_allowed' };
  const { header } = opened;
  const messageId = toB64(header.messageId);
  if (state.board[messageId] || state.history.some((e) => e.messageId === messageId)) return { held: true };
  const author = state.chain.atEpoch(header.epoch)!.members.get(header.sender)!;
  const event: MessageEvent = {
    type: 'message',
    groupId: state.groupId,
    seq: carried.seq,
    messageId,
    kind: 'bulletin',
    sender: header.sender,
    senderRole: author.role,
    content,
    sentAt: content.sentAt,
    pinned: carried.pinned && content.type === 'text',
    expiresAt: carried.expiresAt,
    flags: { verified: true, gap: false, replay: false, invalidRoster: !state.rosterValid, roleRejected: false },
    epoch: header.epoch,
    counter: header.counter,
    carried: true,
  };
  const copy = { seq: carried.seq, inner: carried.inner, key: carried.key };
  if (content.type === 'edit') {
    // applied like any edit (only to its author's bulletin, carried before it); kept to carry it on
    if (!state.applyChange(event)) return { held: true };
    event.change = 'applied';
    state.keepBoardCopy(messageId, { ...copy, target: content.target });
    return { event };
  }
  state.keepBoardCopy(messageId, copy);
  // The carrier's signed word that it is pinned: she may carry it on herself (as a facilitator or admin).
  state.record.pins[messageId] = carried.pinned;
  return { event };
}

/**
 * The carried-bulletin messages for the bulletins pinned now: pinned by the
 * relay's flag (`pinnedSeqs`) **and** by the last signed pin message this
 * device read for it (so the relay cannot get a bulletin nobody pinned carried
 * to a newcomer); each text bulletin its author has not deleted, then its
 * author's edits of it, in sequence order. Only what this device holds a copy
 * of; only the bulletin `only` if given.
 */
export function carriedPosts(
  state: GroupState,
  pinnedSeqs: Set<number>,
  now: number,
  only?: string,
): CarriedPlaintext[] {
  const bulletins = state.history.filter((e) => e.kind === 'bulletin' && !e.flags.roleRejected);
  // the copies of each bulletin's applied edits, in order (a deleted bulletin has none left: group-state.ts)
  const editsOf = (target: string) =>
    Object.entries(state.board)
      .filter(([, copy]) => copy.target === target)
      .sort(([, a], [, b]) => a.seq - b.seq)
      .map(([id]) => id);
  const posts: CarriedPlaintext[] = [];
  const carry = (e: MessageEvent, pinned: boolean, messageId = e.messageId) => {
    const copy = state.board[messageId];
    if (copy)
      posts.push({
        type: 'carried-bulletin',
        sentAt: now,
        seq: copy.seq,
        inner: copy.inner,
        key: copy.key,
        pinned,
        expiresAt: e.expiresAt,
      });
  };
  for (const e of bulletins) {
    if (e.content.type !== 'text' || !state.board[e.messageId] || (only && e.messageId !== only)) continue;
    if (!pinnedSeqs.has(e.seq) || state.record.pins[e.messageId] !== true) continue;
    carry(e, true);
    for (const edit of editsOf(e.messageId)) carry(e, false, edit);
  }
  return posts;
}
