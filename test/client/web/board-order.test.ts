// The board's order: edits and deletions applied, expired bulletins gone
// (expiry is in seconds, as the relay counts), pinned first, then newest.
import { describe, expect, it } from 'vitest';
import type { MessageEvent } from '../../../client/sdk/events';
import { boardOrder } from '../../../client/web/views/board-order';

const flags = { verified: true, gap: false, replay: false, invalidRoster: false, roleRejected: false };
let seq = 0;
function bulletin(id: string, content: MessageEvent['content'], extra: Partial<MessageEvent> = {}): MessageEvent {
  return {
    type: 'message',
    groupId: 'g',
    seq: ++seq,
    messageId: id,
    kind: 'bulletin',
    sender: 'f1',
    senderRole: 'facilitator',
    content,
    sentAt: 0,
    pinned: false,
    expiresAt: null,
    flags,
    ...extra,
  };
}
const text = (t: string) => ({ type: 'text' as const, sentAt: 0, text: t });

describe('board order', () => {
  it('puts pinned first, then newest, and drops expired ones', () => {
    const now = 1_000_000_000_000;
    const events = [
      bulletin('a', text('old pinned'), { pinned: true }),
      bulletin('b', text('middle')),
      bulletin('c', text('expired'), { expiresAt: now / 1000 - 1 }),
      bulletin('d', text('newest'), { expiresAt: now / 1000 + 60 }),
    ];
    expect(boardOrder(events, now).map((e) => e.messageId)).toEqual(['a', 'd', 'b']);
  });

  it('applies the sender’s own edits and deletions, and ignores anyone else’s', () => {
    const events = [
      bulletin('a', text('first')),
      bulletin('b', text('second')),
      bulletin('e1', { type: 'edit', sentAt: 0, target: 'a', text: 'first, corrected' }),
      bulletin('x1', { type: 'delete', sentAt: 0, target: 'b' }, { sender: 'someone-else' }),
      bulletin('x2', { type: 'delete', sentAt: 0, target: 'a' }, { flags: { ...flags, verified: false } }),
    ];
    const shown = boardOrder(events, 0);
    expect(shown.map((e) => (e.content.type === 'text' ? e.content.text : e.content.type))).toEqual([
      'second',
      'first, corrected',
    ]);
  });

  it('leaves out a bulletin its sender deleted (the history marks it, with no text left)', () => {
    const events = [
      bulletin('a', text('kept')),
      bulletin('b', { type: 'delete', sentAt: 0, target: 'b' }, { deleted: true }),
    ];
    expect(boardOrder(events, 0).map((e) => e.messageId)).toEqual(['a']);
  });
});
