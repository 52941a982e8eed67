// Group chat: history, live delivery, send state (sending -> stored, which
// the server acknowledges only after a durable write), and warnings.
import type { GroupView } from '../../sdk/client-api';
import type { ClientEvent, MessageEvent } from '../../sdk/events';
import { mayPost } from '../../../shared/protocol/posting-rules';
import type { AppContext, View } from '../ui/context';
import { h } from '../ui/dom';
import { alertBox, errorText } from '../ui/widgets';
import { draftKeeper } from './drafts';
import { isKeyWait, keyWait } from './key-wait';
import { markHeld, refreshHeld, type SendState, unmarkHeld } from './queued-messages';
import { removedNotice } from './removed-notice';
import { unreadableWarning } from './unreadable-warning';
import {
  contentText,
  contentTrusted,
  flagWarnings,
  onMetaMessage,
  refreshSenderNames,
  senderLine,
} from './message-parts';

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
    log.appendChild(li);
    if (atBottom) log.scrollTop = log.scrollHeight;
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
      const target = items.get(c.target);
      if (target?.text && target.sender === event.sender && event.flags.verified)
        target.text.textContent = c.type === 'edit' ? `${c.text} ${ctx.t('chat.edited')}` : ctx.t('chat.deleted');
      return;
    }
    if (event.flags.replay) return notice(ctx.t('warn.replay'), 'notice warning');
    const mine = event.sender === client.deviceId;
    const existing = items.get(event.messageId);
    if (existing) return existing.setState('stored');
    const text = contentTrusted(event.flags) ? h('p', { class: 'text' }, contentText(ctx, event)) : null;
    const li = h(
      'li',
      { class: mine ? 'msg mine' : 'msg' },
      senderLine(ctx, group, event),
      flagWarnings(ctx, event.flags),
      text,
    );
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
        void client.markRead(group.groupId).catch(() => {});
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

  async function send(): Promise<void> {
    const text = input.value.trim();
    if (!text || waitForKey.waiting) return;
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
      const { messageId } = await client.send(group.groupId, text, { onHeld: held });
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
    const queued = (await client.queued(group.groupId)).filter((q) => q.kind === 'message');
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
  const unsubscribeMeta = onMetaMessage(ctx, group.groupId, (fresh) => {
    group = fresh;
    refreshSenderNames(ctx, log, group);
  });
  void client
    .history(group.groupId, { kind: 'message' })
    .then((events) => {
      for (const e of events) show(e);
      return showQueued();
    })
    .then(() => {
      log.scrollTop = log.scrollHeight;
      return client.markRead(group.groupId);
    })
    .catch((err: unknown) => alert.show(errorText(ctx, err)));

  return {
    el: h(
      'div',
      { class: 'panel chat' },
      log,
      alert.el,
      group.removed ? removedNotice(ctx, group) : null,
      muted && !group.removed ? h('p', { class: 'hint' }, ctx.t('chat.announcementOnly')) : null,
      muted ? null : waitForKey.el,
      form,
    ),
    dispose: () => {
      unsubscribe();
      unsubscribeMeta();
      waitForKey.dispose();
      drafts.flush();
    },
  };
}
