// Lines between chat messages: the full day ("2026년 12월 4일 금요일") above
// the first message of each day, in the app's language (messages carry only
// their time), and "새 메시지" above the first message she had not read.
import { dayKey, formatDay } from '../i18n';
import type { AppContext } from '../ui/context';
import { h } from '../ui/dom';

export function daySeparator(ms: number): HTMLElement {
  return h('li', { class: 'day-separator' }, h('time', { datetime: dayKey(ms) }, formatDay(ms)));
}

/** Remembers the day of the last message shown; hands out a separator when the next one starts another day. */
export function dayTracker() {
  let last: string | null = null;
  return {
    next(ms: number): HTMLElement | null {
      const key = dayKey(ms);
      if (key === last) return null;
      last = key;
      return daySeparator(ms);
    },
  };
}

/** "새 메시지" above the first of the others' messages she had not read when the chat opened (the last `unread` of them). */
export function markFirstUnread(ctx: AppContext, log: HTMLElement, unread: number): void {
  if (unread <= 0) return;
  const others = [...log.querySelectorAll<HTMLElement>('li.msg:not(.mine)')];
  const first = others[others.length - unread];
  if (!first) return;
  const divider = h('li', { class: 'unread-divider', role: 'note' }, ctx.t('chat.newMessages'));
  const before = first.previousElementSibling;
  log.insertBefore(divider, before?.classList.contains('day-separator') ? before : first);
}
