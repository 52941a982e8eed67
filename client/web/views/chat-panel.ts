// Group chat: history, live delivery, send state (sending -> stored, which
// the server acknowledges only after a durable write), and warnings.
import type { GroupView } from '../../sdk/client-api';
import type { ClientEvent, MessageEvent } from '../../sdk/events';
import { mayPost } from '../../../shared/protocol/posting-rules';
import type { AppContext, View } from '../ui/context';
import { h } from '../ui/dom';
import { alertBox, errorText } from '../ui/widgets';
import { type ChatItem, chatItem, pendingItem } from './chat-items';
import { draftKeeper } from './drafts';
import { gapWarnings } from './gap-warnings';
import { chatSearch } from './chat-search';
import { dayTracker, markFirstUnread } from './day-separators';
import { composeModeBar, messageActions, placeActions } from './message-actions';
import { messageBody, replyQuote } from './message-body';
import { isKeyWait, keyWait } from './key-wait';
import { markHeld, refreshHeld } from './queued-messages';
import { removedNotice } from './removed-notice';
import { unreadableWarning } from './unreadable-warning';
import { contentTrusted, flagWarnings, onMetaMessage, refreshSenderNames, senderLine } from './message-parts';
import { urgentRequest } from './urgent-help';
import { attachSender } from './attach-send';
import { attachmentParts, photoViewer } from './attachment-view';
import { blobUrls } from '../ui/blob-urls';

export function chatPanel(ctx: AppContext, initial: GroupView): View {
  let group = initial;
  const client = ctx.session.client;
  const log = h('ol', { class: 'messages', role: 'log', 'aria-label': ctx.t('chat.log') });
  const items = new Map<string, ChatItem>();
  const alert = alertBox();
  // Files (attach-send.ts, attachment-view.ts): decrypted pictures live in blob: URLs revoked with this chat.
  const urls = blobUrls();
  const viewer = photoViewer(ctx);
  const files = (e: MessageEvent) => attachmentParts(ctx, { groupId: group.groupId, urls, viewer }, e);

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
      remove: (e) => client.deleteMessage(group.groupId, e.messageId).then(() => {}),
      alert,
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
      const body = messageBody(ctx, group, fresh, find, files(fresh));
      entry.li.querySelector('.body')?.replaceWith(body);
      entry.text = body.querySelector('.text');
      placeActions(entry.li, actionsFor(fresh));
    }
    for (const quote of log.querySelectorAll<HTMLElement>('.quote[data-reply-to]'))
      if (quote.dataset.replyTo === messageId) quote.replaceWith(replyQuote(ctx, group, messageId, find));
    search.apply();
  }

  const gaps = gapWarnings(client, group.groupId);

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
    if (existing && !existing.pending) return existing.setState('stored');
    known.set(event.messageId, event);
    const body = contentTrusted(event.flags) ? messageBody(ctx, group, event, find, files(event)) : null;
    const text = body?.querySelector<HTMLElement>('.text') ?? null;
    const li = h(
      'li',
      { class: mine ? 'msg mine' : 'msg', 'data-sent-at': event.sentAt },
      senderLine(ctx, group, event),
      flagWarnings(ctx, event.flags),
      body,
    );
    placeActions(li, actionsFor(event));
    if (event.flags.gap) gaps.track(event.messageId, li);
    const entry = chatItem(ctx, li, text, mine, event.sender);
    if (mine) entry.setState('stored');
    items.set(event.messageId, entry);
    // her own message read back before `send` resolved: drawn in full where its pending line stood
    if (existing?.li.isConnected) existing.li.replaceWith(li);
    else push(li);
  }

  function onEvent(event: ClientEvent): void {
    if (!('groupId' in event) || event.groupId !== group.groupId) return;
    if (event.type === 'message' || event.type === 'gaps') gaps.recheck();
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
  const attach = attachSender(ctx, {
    groupId: group.groupId,
    alert,
    takeCaption() {
      if (compose.editing()) return '';
      const caption = input.value.trim();
      input.value = '';
      drafts.clear();
      return caption;
    },
    push,
    sent(messageId) {
      if (items.has(messageId)) return;
      void client.history(group.groupId, { kind: 'message' }).then(
        (events) => {
          const e = events.find((m) => m.messageId === messageId);
          if (e && !items.has(messageId)) show(e);
        },
        () => {},
      );
    },
    dropZone: log,
  });
  const form = h('form', { class: 'compose' }, attach.el, input, sendButton);
  const muted = group.removed || !mayPost(group.role, 'message', group);
  form.hidden = muted;
  // She may keep typing (the draft is kept); sending waits for the new key.
  const waitForKey = keyWait(ctx, group, (waiting) => {
    sendButton.disabled = waiting;
    attach.button.disabled = waiting; // a file would upload, then wait for the key anyway
  });

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
    const pending = pendingItem(ctx, client.deviceId, text);
    const { li } = pending;
    pending.setState('sending');
    push(li);
    const held = (id: string) => {
      items.set(id, pending);
      markHeld(ctx, group.groupId, id, li, pending.setState, () => items.delete(id));
    };
    try {
      const { messageId } = await client.send(group.groupId, text, {
        ...options,
        onHeld: held,
        onSealed: (id) => items.set(id, pending),
      });
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

  /** Messages still waiting on the device (offline): shown after the history; held ones can be withdrawn. */
  async function showQueued(): Promise<void> {
    // an urgent request held here shows in its own place (urgent-help.ts)
    const queued = (await client.queued(group.groupId)).filter((q) => q.kind === 'message' && !q.urgent);
    refreshHeld(queued, log, (id) => items.get(id)?.setState('sending'));
    for (const q of queued) {
      if (items.has(q.messageId)) continue;
      const entry = pendingItem(ctx, client.deviceId, q.text);
      const { li } = entry;
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
      attach.note,
      form,
      viewer.el,
    ),
    dispose: () => {
      unsubscribe();
      unsubscribeMeta();
      urgent?.dispose?.();
      waitForKey.dispose();
      drafts.flush();
      attach.dispose();
      viewer.hide();
      urls.revokeAll();
    },
  };
}
