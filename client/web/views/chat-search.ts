// Search in one conversation, on this device only: it filters the messages
// already decrypted on screen (the local history) and sends nothing anywhere.
// Non-matching messages, day lines and notes are hidden while a search is
// open; the matched words are marked. Matching ignores case and Unicode
// composition (NFC), so Korean typed with any keyboard is found.
import type { AppContext } from '../ui/context';
import { h } from '../ui/dom';

const norm = (s: string) => s.normalize('NFC').toLocaleLowerCase();

/** The text split around every match of `query` (already normalised), matches as <mark>. */
function marked(text: string, query: string): (string | HTMLElement)[] {
  const hay = norm(text);
  // Only when normalising kept the length can positions be mapped back; otherwise leave it unmarked.
  if (hay.length !== text.length) return [text];
  const parts: (string | HTMLElement)[] = [];
  let from = 0;
  for (let at = hay.indexOf(query); at !== -1; at = hay.indexOf(query, from)) {
    if (at > from) parts.push(text.slice(from, at));
    parts.push(h('mark', null, text.slice(at, at + query.length)));
    from = at + query.length;
  }
  if (from < text.length) parts.push(text.slice(from));
  return parts;
}

export function chatSearch(ctx: AppContext, log: HTMLElement) {
  const input = h('input', {
    type: 'search',
    name: 'chat-search',
    enterkeyhint: 'search',
    autocomplete: 'off',
    'aria-label': ctx.t('chat.search'),
    placeholder: ctx.t('chat.search'),
  });
  const count = h('p', { class: 'hint search-count', role: 'status' });
  const close = h('button', { type: 'button', class: 'small' }, ctx.t('chat.searchClose'));
  const bar = h(
    'div',
    { class: 'chat-search', hidden: true },
    h('div', { class: 'search-row' }, input, close),
    h('p', { class: 'hint' }, ctx.t('chat.searchHint')),
    count,
  );
  const open = h('button', { type: 'button', class: 'small search-open' }, ctx.t('chat.search'));

  function clearMarks(): void {
    for (const el of log.querySelectorAll<HTMLElement>('.text[data-marked]')) {
      el.replaceChildren(el.textContent ?? ''); // the marks go, the words stay
      delete el.dataset.marked;
    }
  }

  /** Applies the current query to the log (call again after messages are added or changed). */
  let filtered = false;
  function apply(): void {
    const query = bar.hidden ? '' : norm(input.value.trim());
    if (!query && !filtered) return; // nothing to undo: a long history loads without rescanning the log each time
    filtered = !!query;
    clearMarks();
    let found = 0;
    for (const li of log.children as HTMLCollectionOf<HTMLElement>) {
      if (!query) {
        li.hidden = false;
        continue;
      }
      const text = li.classList.contains('msg') ? li.querySelector<HTMLElement>('.text:not(.deleted)') : null;
      const hit = !!text && norm(text.textContent ?? '').includes(query);
      li.hidden = !hit;
      if (hit && text) {
        found++;
        text.replaceChildren(...marked(text.textContent ?? '', query));
        text.dataset.marked = '';
      }
    }
    count.textContent = query ? (found ? ctx.t('chat.searchResults', { count: found }) : ctx.t('chat.searchNone')) : '';
  }

  // Escape is left alone: pressed twice anywhere it is the quick exit.
  input.addEventListener('input', apply);
  open.addEventListener('click', () => {
    bar.hidden = false;
    open.hidden = true;
    input.focus();
  });
  close.addEventListener('click', () => {
    input.value = '';
    bar.hidden = true;
    open.hidden = false;
    apply();
    open.focus();
  });

  return { open, bar, apply };
}
