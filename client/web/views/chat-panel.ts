// Group chat: history, live delivery, send state (sending -> stored, which
// the server acknowledges only after a durable write), and warnings.
import type { GroupView } from '../../sdk/client-api';
import type { ClientEvent, MessageEvent } from '../../sdk/events';
import { mayPost } from '../../../shared/protocol/posting-rules';
import type { AppContext, View } from '../ui/context';
import { h } from '../ui/dom';
import { alertBox, errorText } from '../ui/widgets';
import { draftKeeper } from './drafts';
import { chatSearch } from './chat-search';
import { dayTracker, markFirstUnread } from './day-separators';
import { composeModeBar, messageActions, placeActions } from './message-actions';
import { messageBody, replyQuote } from './message-body';
import { isKeyWait, keyWait } from './key-wait';
import { markHeld, refreshHeld, type SendState, unmarkHeld } from './queued-messages';
import { removedNotice } from './removed-notice';
import { unreadableWarning } from './unreadable-warning';
import { contentTrusted, flagWarnings, onMetaMessage, refreshSenderNames, senderLine } from './message-parts';
import { urgentRequest } from './urgent-help';

interface Item {
  li: HTMLElement;
  /** who wrote it: only she may edit or delete it */
  sender: string;
  text: HTMLElement | null;
  setState(state: SendState): void;
}

export function chatPanel(ctx: AppContext, initial: GroupView): View {
  let group = initial;
  const client = ctx.session.client;
  const log = h('ol', { class: 'messages', role: 'log', 'aria-label': ctx.t('chat.log') });
  const items = new Map<string, Item>();
  const alert = alertBox();

  function item(li: HTMLElement, text: HTMLElement | null, mine: boolean, sender: string): Item {
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

  function notice(text: string, cls = 'notice'): void {
    push(h('li', { class: cls, role: 'note' }, text));
  }

  function push(li: HTMLElement): void {
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
    if (li.classList.contains('msg')) {
      emptyNote.remove();
      const day = days.next(Number(li.dataset.sentAt ?? Date.now()));
      if (day) log.appendChild(day);
    }
    log.appendChild(li);
    if (atBottom) log.scrollTop = log.scrollHeight;
    search.apply();
  }

  // Reply, edit, delete, search, day lines (message-actions.ts, chat-search.ts, day-separators.ts).
  const days = dayTracker();
  const search = chatSearch(ctx, log);
  const emptyNote = h('li', { class: 'empty' }, ctx.t('chat.emptyNewcomer'));
  /** What this chat has shown, by id, as the history holds it now: quotes are looked up here. */
  const known = new Map<string, MessageEvent>();
  const find = (id: string) => known.get(id);

  function actionsFor(event: MessageEvent): HTMLElement | null {
    if (!contentTrusted(event.flags) || group.removed) return null;
    const mine = event.sender === client.deviceId;
    return messageActions(ctx, event, mine, {
      reply: muted ? undefined : (e) => compose.reply(e),
      edit: (e) => compose.edit(e),
      remove: (e) =>
        client.deleteMessage(group.groupId, e.messageId).then(
          () => {},
          (err: unknown) => alert.show(errorText(ctx, err)),
        ),
    });
  }

  /** An edit or delete was applied: the message (and every quote of it) is drawn again from the history. */
  async function redraw(messageId: string): Promise<void> {
    const fresh = (await client.history(group.groupId, { kind: 'message' })).find((e) => e.messageId === messageId);
    const entry = items.get(messageId);
    if (!fresh) return;
    known.set(messageId, fresh);
    if (fresh.deleted) compose.forget(messageId);
    if (entry) {
      const body = messageBody(ctx, group, fresh, find);
      entry.li.querySelector('.body')?.replaceWith(body);
      entry.text = body.querySelector('.text');
      placeActions(entry.li, actionsFor(fresh));
    }
    for (const quote of log.querySelectorAll<HTMLElement>('.quote[data-reply-to]'))
      if (quote.dataset.replyTo === messageId) quote.replaceWith(replyQuote(ctx, group, messageId, find));
    search.apply();
  }

  /** Messages shown with a gap warning: it goes once the history says the missing message came (only open gaps stay). */
  const gapped = new Map<string, HTMLElement>();
  let recheck: Promise<void> | null = null;
  let recheckAgain = false;
  function recheckGaps(): void {
    if (recheck) return void (recheckAgain = true);
    if (gapped.size === 0) return;
    recheck = client
      .history(group.groupId, { kind: 'message' })
      .then((events) => {
        for (const e of events) {
          const li = gapped.get(e.messageId);
          if (!li || e.flags.gap) continue;
          li.querySelector('.warning[data-flag="gap"]')?.remove();
          gapped.delete(e.messageId);
        }
      })
      .catch(() => {})
      .finally(() => {
        recheck = null;
        if (recheckAgain) {
          recheckAgain = false;
          recheckGaps();
        }
      });
  }

  function show(event: MessageEvent): void {
    if (event.kind !== 'message') return;
    const c = event.content;
    if (c.type === 'reaction') return;
    if (c.type === 'edit' || c.type === 'delete') {
      // The SDK applied it only if the message's own sender sent it (older histories hold these as entries: skipped).
      if (event.change === 'applied') void redraw(c.target).catch(() => {});
      return;
    }
    if (event.flags.replay) return notice(ctx.t('warn.replay'), 'notice warning');
    const mine = event.sender === client.deviceId;
    const existing = items.get(event.messageId);
    if (existing) return existing.setState('stored');
    known.set(event.messageId, event);
    const body = contentTrusted(event.flags) ? messageBody(ctx, group, event, find) : null;
    const text = body?.querySelector<HTMLElement>('.text') ?? null;
    const li = h(
      'li',
      { class: mine ? 'msg mine' : 'msg', 'data-sent-at': event.sentAt },
      senderLine(ctx, group, event),
      flagWarnings(ctx, event.flags),
      body,
    );
    placeActions(li, actionsFor(event));
    if (event.flags.gap) gapped.set(event.messageId, li);
    const entry = item(li, text, mine, event.sender);
    if (mine) entry.setState('stored');
    items.set(event.messageId, entry);
    push(li);
  }

  function onEvent(event: ClientEvent): void {
    if (!('groupId' in event) || event.groupId !== group.groupId) return;
    if (event.type === 'message' || event.type === 'gaps') recheckGaps();
    if (event.type === 'message') {
      show(event);
      if (event.kind === 'message' && event.sender !== client.deviceId && document.visibilityState === 'visible')
        void client.markRead(group.groupId, 'message').catch(() => {});
    } else if (event.type === 'undecryptable') notice(ctx.t(unreadableWarning(event.reason)), 'notice warning');
    else if (event.type === 'roster' && !event.valid) notice(ctx.t('warn.invalidRoster'), 'notice warning');
    else if (event.type === 'stale-key') notice(ctx.t('key.stale'), 'notice warning');
    else if (event.type === 'queue') void showQueued();
    else if (event.type === 'roster' && event.removedSelf) {
      notice(ctx.t('chat.removed'), 'notice warning');
      form.hidden = true;
    }
  }

  const input = h('textarea', {
    name: 'message',
    rows: 2,
    maxlength: 16000,
    'aria-label': ctx.t('chat.compose'),
    placeholder: ctx.t('chat.compose'),
  });
  const drafts = draftKeeper(ctx, group.groupId, input);
  const sendButton = h('button', { type: 'submit', class: 'primary' }, ctx.t('chat.send'));
  const form = h('form', { class: 'compose' }, input, sendButton);
  const muted = group.removed || !mayPost(group.role, 'message', group);
  form.hidden = muted;
  // She may keep typing (the draft is kept); sending waits for the new key.
  const waitForKey = keyWait(ctx, group, (waiting) => (sendButton.disabled = waiting));

  const compose = composeModeBar(ctx, () => group, input, sendButton);

  async function send(): Promise<void> {
    const text = input.value.trim();
    if (!text || waitForKey.waiting) return;
    const mode = compose.take();
    if (mode?.kind === 'edit') return saveEdit(mode.target, text);
    const options = mode?.kind === 'reply' ? { replyTo: mode.target.messageId } : {};
    input.value = '';
    drafts.clear();
    alert.clear();
    const { li, entry: pending } = ownPending(text);
    pending.setState('sending');
    push(li);
    const held = (id: string) => {
      items.set(id, pending);
      markHeld(ctx, group.groupId, id, li, pending.setState, () => items.delete(id));
    };
    try {
      const { messageId } = await client.send(group.groupId, text, { ...options, onHeld: held });
      const live = items.get(messageId);
      if (live && live !== pending) {
        li.remove();
        live.setState('stored');
      } else {
        items.set(messageId, pending);
        pending.setState('stored');
      }
    } catch (err) {
      if ((err as { code?: string }).code === 'cancelled') return; // she withdrew it: already gone from the chat
      if (isKeyWait(err)) {
        // Nothing left the device: her words go back into the box until the key arrives.
        li.remove();
        if (!input.value) input.value = text;
        return waitForKey.set(true);
      }
      pending.setState('failed');
      alert.show(errorText(ctx, err));
    }
  }
  /** An edit leaves as its own post; the message changes on screen once it is read back (redraw). */
  async function saveEdit(target: MessageEvent, text: string): Promise<void> {
    input.value = '';
    alert.clear();
    try {
      await client.editMessage(group.groupId, target.messageId, text);
    } catch (err) {
      if (!input.value) input.value = text;
      alert.show(errorText(ctx, err));
    }
  }

  /** Her own message before the server stored it (written now, or held since an earlier session). */
  function ownPending(text: string | null): { li: HTMLElement; entry: Item } {
    const li = h(
      'li',
      { class: 'msg mine' },
      h('p', { class: 'meta' }, h('span', { class: 'sender' }, ctx.t('chat.you'))),
      h('p', { class: 'text' }, text ?? ctx.t('chat.unsupported')),
    );
    return { li, entry: item(li, li.querySelector('.text'), true, client.deviceId) };
  }

  /** Messages still waiting on the device (offline): shown after the history; held ones can be withdrawn. */
  async function showQueued(): Promise<void> {
    // an urgent request held here shows in its own place (urgent-help.ts)
    const queued = (await client.queued(group.groupId)).filter((q) => q.kind === 'message' && !q.urgent);
    refreshHeld(queued, log, (id) => items.get(id)?.setState('sending'));
    for (const q of queued) {
      if (items.has(q.messageId)) continue;
      const { li, entry } = ownPending(q.text);
      items.set(q.messageId, entry);
      if (q.cancellable) markHeld(ctx, group.groupId, q.messageId, li, entry.setState, () => items.delete(q.messageId));
      else entry.setState('sending');
      push(li);
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void send();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void send();
    }
  });

  const unsubscribe = client.subscribe(onEvent);
  const urgent = group.removed ? null : urgentRequest(ctx, group);
  const unsubscribeMeta = onMetaMessage(ctx, group.groupId, (fresh) => {
    group = fresh;
    refreshSenderNames(ctx, log, group);
  });
  void client
    .history(group.groupId, { kind: 'message' })
    .then((events) => {
      for (const e of events) show(e);
      markFirstUnread(ctx, log, initial.unreadByKind?.message ?? 0);
      return showQueued();
    })
    .then(() => {
      if (!log.querySelector('.msg')) log.appendChild(emptyNote);
      log.scrollTop = log.scrollHeight;
      return client.markRead(group.groupId, 'message');
    })
    .catch((err: unknown) => alert.show(errorText(ctx, err)));

  return {
    el: h(
      'div',
      { class: 'panel chat' },
      h('div', { class: 'chat-tools' }, search.open),
      urgent?.el,
      search.bar,
      log,
      alert.el,
      group.removed ? removedNotice(ctx, group) : null,
      muted && !group.removed ? h('p', { class: 'hint' }, ctx.t('chat.announcementOnly')) : null,
      muted ? null : waitForKey.el,
      compose.el,
      form,
    ),
    dispose: () => {
      unsubscribe();
      unsubscribeMeta();
      urgent?.dispose?.();
      waitForKey.dispose();
      drafts.flush();
    },
  };
}
