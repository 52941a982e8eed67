// The board's order, apart from the DOM so it can be tested on its own.
import type { MessageEvent } from '../../sdk/events';

/**
 * Edits and deletions apply to their target (the SDK applies them to the
 * history now; older stored histories still hold them as entries); a bulletin
 * its sender deleted leaves the board (a notice board keeps no placeholder);
 * what is left and unexpired (expiresAt is in seconds), pinned first, newest first. */
export function boardOrder(events: MessageEvent[], now: number): MessageEvent[] {
  const byId = new Map<string, MessageEvent>();
  for (const e of events) {
    const c = e.content;
    if (c.type === 'edit' || c.type === 'delete') {
      const target = byId.get(c.target);
      // Only a verified change by the bulletin's own sender counts.
      if (e.flags.verified && target && target.sender === e.sender) {
        if (c.type === 'delete') byId.delete(c.target);
        else byId.set(c.target, { ...target, content: { type: 'text', text: c.text, sentAt: c.sentAt } });
      }
      continue;
    }
    byId.set(e.messageId, e);
  }
  return [...byId.values()]
    .filter((e) => !e.deleted)
    .filter((e) => e.expiresAt === null || e.expiresAt * 1000 > now)
    .sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.seq - a.seq);
}
