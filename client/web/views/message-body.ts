// The body of a chat message or bulletin as the history now holds it: a short
// quote of the message it answers, its latest text with "수정됨" once its
// sender edited it, or the neutral line of a message its sender deleted.
// Always text nodes; the quote is looked up in this device's history.
import type { GroupView } from '../../sdk/client-api';
import type { MessageEvent } from '../../sdk/events';
import type { AppContext } from '../ui/context';
import { h } from '../ui/dom';
import { contentText, senderName } from './message-parts';

const QUOTE_CHARS = 60;

export type FindMessage = (messageId: string) => MessageEvent | undefined;

/** A one-line excerpt of a message (for quotes and the reply bar). */
export function excerpt(ctx: AppContext, e: MessageEvent): string {
  if (e.deleted) return ctx.t('chat.deleted');
  const text = contentText(ctx, e).replace(/\s+/g, ' ').trim();
  const chars = [...text];
  return chars.length > QUOTE_CHARS ? `${chars.slice(0, QUOTE_CHARS).join('')}…` : text;
}

/** The quote above a reply: who wrote the original and its first words (or that it cannot be seen here). */
export function replyQuote(ctx: AppContext, group: GroupView, replyTo: string, find: FindMessage): HTMLElement {
  const original = find(replyTo);
  const name = original ? senderName(ctx, group, original.sender) : null;
  return h(
    'blockquote',
    {
      class: 'quote',
      'data-reply-to': replyTo,
      'aria-label': name ? ctx.t('chat.quoteOf', { name }) : ctx.t('chat.quoteUnavailable'),
    },
    original ? h('span', { class: 'quote-sender' }, name) : null,
    h('span', { class: 'quote-text' }, original ? excerpt(ctx, original) : ctx.t('chat.quoteUnavailable')),
  );
}

/** `files`: the message's attachments as the chat draws them (attachment-view.ts), under its caption. */
export function messageBody(
  ctx: AppContext,
  group: GroupView,
  e: MessageEvent,
  find: FindMessage,
  files?: HTMLElement | null,
): HTMLElement {
  if (e.deleted) return h('div', { class: 'body' }, h('p', { class: 'text deleted' }, ctx.t('chat.deleted')));
  const replyTo = e.content.type === 'text' ? e.content.replyTo : undefined;
  // a file's caption only: its name is on the file itself
  const text = e.content.type === 'attachment' ? (e.content.text ?? '') : contentText(ctx, e);
  return h(
    'div',
    { class: 'body' },
    replyTo ? replyQuote(ctx, group, replyTo, find) : null,
    files,
    h('p', { class: 'text' }, text),
    e.edited ? h('p', { class: 'edited' }, ctx.t('chat.edited')) : null,
  );
}
