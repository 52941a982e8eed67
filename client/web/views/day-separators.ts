// Dates in the chat: a line with the full day ("2026년 12월 4일 금요일")
// above the first message of each day, in the app's language. Messages carry
// only their time; the line says which day they belong to.
import { dayKey, formatDay } from '../i18n';
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
