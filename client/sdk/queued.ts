// What waits on this device for a group, for an app to show under the chat:
// posts sealed and in the outbox (on their way: no longer cancellable) and
// chat messages held unsealed while offline (held.ts: cancelQueued withdraws
// them). Meta posts (profiles, epoch checks) are the SDK's own and not listed.
import type { QueuedMessage } from './client-api';
import type { Core } from './core';
import type { ResealInput } from './outbox';

function queuedMessage(
  messageId: string,
  { kind, plaintext }: ResealInput,
  sentAt: number,
  cancellable: boolean,
): QueuedMessage | null {
  if (kind === 'meta') return null;
  const text = plaintext.type === 'text' ? plaintext.text : null;
  return { messageId, kind, text, sentAt, cancellable, ...(plaintext.type === 'urgent-help' ? { urgent: true } : {}) };
}

export function queuedMessages(core: Core, groupId: string): QueuedMessage[] {
  const sealed = core.transport.outbox
    .list()
    .map((p) =>
      p.groupId === groupId && p.reseal
        ? queuedMessage(p.input.clientMsgId, p.reseal, p.reseal.plaintext.sentAt ?? 0, false)
        : null,
    );
  const held = core.held.list(groupId).map((p) => queuedMessage(p.messageId, p.post, p.queuedAt, true));
  return [...sealed, ...held].filter((q): q is QueuedMessage => q !== null);
}
