// One line of the chat as the panel keeps it: its element, who wrote it, its
// text element (search and edits reach it there) and, for her own messages,
// the send state shown under it.
import type { AppContext } from '../ui/context';
import { h } from '../ui/dom';
import { type SendState, unmarkHeld } from './queued-messages';

export interface ChatItem {
  li: HTMLElement;
  /** who wrote it: only she may edit or delete it */
  sender: string;
  text: HTMLElement | null;
  /** her message as typed, before the relay stored it (drawn in full once read back) */
  pending?: boolean;
  setState(state: SendState): void;
}

export function chatItem(
  ctx: AppContext,
  li: HTMLElement,
  text: HTMLElement | null,
  mine: boolean,
  sender: string,
): ChatItem {
  const state = mine ? h('span', { class: 'state' }) : null;
  if (state) li.appendChild(state);
  return {
    li,
    sender,
    text,
    setState(s) {
      if (!state) return;
      if (s !== 'queued') unmarkHeld(li);
      li.dataset.state = s;
      state.textContent = ctx.t(`chat.state.${s}`);
    },
  };
}

/** Her own message before the server stored it (written now, or held since an earlier session). */
export function pendingItem(ctx: AppContext, deviceId: string, text: string | null): ChatItem {
  const li = h(
    'li',
    { class: 'msg mine' },
    h('p', { class: 'meta' }, h('span', { class: 'sender' }, ctx.t('chat.you'))),
    h('p', { class: 'text' }, text ?? ctx.t('chat.unsupported')),
  );
  return { ...chatItem(ctx, li, li.querySelector('.text'), true, deviceId), pending: true };
}
