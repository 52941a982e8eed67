// Messages she wrote while the relay could not be reached: the SDK holds them
// unsealed on the device until a socket is up. Each shows "will be sent when
// connected" with a button to withdraw it; once the SDK seals it (connected),
// it is on its way and the button goes. A withdrawn message never leaves.
import type { QueuedMessage } from '../../sdk/client-api';
import type { AppContext } from '../ui/context';
import { h } from '../ui/dom';

export type SendState = 'queued' | 'sending' | 'stored' | 'failed';

/** Marks a message in the chat as held, with its cancel button. `gone` runs when it was withdrawn. */
export function markHeld(
  ctx: AppContext,
  groupId: string,
  messageId: string,
  li: HTMLElement,
  setState: (state: SendState) => void,
  gone: () => void,
): void {
  setState('queued');
  li.dataset.held = messageId;
  const cancel = h(
    'button',
    { type: 'button', class: 'small', 'data-testid': 'cancel-queued' },
    ctx.t('chat.cancelQueued'),
  );
  cancel.addEventListener('click', async () => {
    cancel.disabled = true;
    const withdrawn = await ctx.session.client.cancelQueued(groupId, messageId).catch(() => false);
    if (withdrawn) {
      li.remove();
      gone();
      return ctx.announce(ctx.t('chat.cancelled'));
    }
    unmarkHeld(li);
    setState('sending');
    ctx.announce(ctx.t('chat.cancelTooLate'));
  });
  li.appendChild(cancel);
}

/** It left the held state (sealed, stored or failed): no cancel button any more. */
export function unmarkHeld(li: HTMLElement): void {
  li.querySelector('[data-testid="cancel-queued"]')?.remove();
  delete li.dataset.held;
}

/**
 * After the SDK's queue changed: a message no longer held was sealed and is on
 * its way (its stored message, or the failure of its send, updates it next).
 */
export function refreshHeld(
  queued: QueuedMessage[],
  log: HTMLElement,
  setState: (messageId: string, state: 'sending') => void,
): void {
  for (const li of log.querySelectorAll<HTMLElement>('li[data-held]')) {
    const id = li.dataset.held!;
    const q = queued.find((m) => m.messageId === id);
    if (q?.cancellable || li.dataset.state !== 'queued') continue;
    setState(id, 'sending');
  }
}
