// The bulletin board: signed announcements apart from the chat. Pinned first,
// then newest; expiry shown. Only facilitators and admins compose or pin;
// members read and cannot answer here (there is no reply control at all).
import type { GroupView } from '../../sdk/client-api';
import type { MessageEvent } from '../../sdk/events';
import { mayPin, mayPost } from '../../../shared/protocol/posting-rules';
import { formatDateTime } from '../i18n';
import type { AppContext, View } from '../ui/context';
import { field, h } from '../ui/dom';
import { alertBox, errorText, runBusy } from '../ui/widgets';
import { boardOrder } from './board-order';
import { isKeyWait, type KeyWait, keyWait } from './key-wait';
import { messageActions, placeActions } from './message-actions';
import { messageBody } from './message-body';
import { bulletinGroupPicker } from './bulletin-groups';
import { contentTrusted, flagWarnings, onMetaMessage, refreshSenderNames, senderLine } from './message-parts';

export function boardPanel(ctx: AppContext, initial: GroupView): View {
  let group = initial;
  const client = ctx.session.client;
  const list = h('ol', { class: 'bulletins', 'aria-label': ctx.t('board.list') });
  const alert = alertBox();
  const poster = mayPost(group.role, 'bulletin', group);
  const pinner = mayPin(group.role);

  function bulletin(e: MessageEvent): HTMLElement {
    const trusted = contentTrusted(e.flags);
    const pinToggle =
      pinner && trusted
        ? h(
            'button',
            {
              type: 'button',
              class: 'small',
              onclick: (ev) =>
                void runBusy(ev.currentTarget as HTMLButtonElement, alert, ctx, () =>
                  client.pin(group.groupId, e.seq, !e.pinned).then(reload),
                ),
            },
            ctx.t(e.pinned ? 'board.unpin' : 'board.pin'),
          )
        : null;
    const li = h(
      'li',
      { class: e.pinned ? 'bulletin pinned' : 'bulletin', 'data-id': e.messageId },
      e.pinned ? h('p', { class: 'badge pin' }, ctx.t('board.pinned')) : null,
      senderLine(ctx, group, e, true),
      flagWarnings(ctx, e.flags),
      trusted ? messageBody(ctx, group, e, () => undefined) : null,
      e.expiresAt !== null
        ? h('p', { class: 'hint' }, ctx.t('board.expires', { when: formatDateTime(e.expiresAt * 1000) }))
        : null,
      pinToggle,
    );
    if (trusted) placeActions(li, bulletinActions(e));
    return li;
  }

  /** Her own bulletin: edit it in place (a date written wrong) or delete it for everyone. */
  function bulletinActions(e: MessageEvent): HTMLElement | null {
    if (!poster) return null;
    return messageActions(ctx, e, e.sender === client.deviceId, {
      edit: (target) => editInPlace(target),
      remove: (target) => client.deleteMessage(group.groupId, target.messageId).then(reload),
      alert,
    });
  }

  function editInPlace(e: MessageEvent): void {
    const li = list.querySelector<HTMLElement>(`li[data-id="${e.messageId}"]`);
    const body = li?.querySelector('.body');
    if (!li || !body || e.content.type !== 'text') return;
    const text = h('textarea', {
      name: 'bulletin-edit',
      rows: 3,
      maxlength: 16000,
      'aria-label': ctx.t('chat.editing'),
    });
    text.value = e.content.text;
    const save = h('button', { type: 'submit', class: 'primary small' }, ctx.t('chat.saveEdit'));
    const cancel = h(
      'button',
      { type: 'button', class: 'small', onclick: () => void reload() },
      ctx.t('chat.cancelEdit'),
    );
    const form = h('form', { class: 'stack bulletin-edit' }, text, h('div', { class: 'actions' }, save, cancel));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      if (!text.value.trim()) return;
      void runBusy(save, alert, ctx, () =>
        client.editMessage(group.groupId, e.messageId, text.value.trim()).then(reload),
      );
    });
    body.replaceWith(form);
    placeActions(li, null);
    text.focus();
  }

  let disposed = false;
  async function reload(): Promise<void> {
    try {
      const events = await client.history(group.groupId, { kind: 'bulletin' });
      if (disposed) return;
      void client.markRead(group.groupId, 'bulletin').catch(() => {}); // the board tab's unread mark goes
      const shown = boardOrder(events, Date.now());
      list.replaceChildren(
        ...(shown.length ? shown.map(bulletin) : [h('li', { class: 'empty' }, ctx.t('board.empty'))]),
      );
    } catch (err) {
      alert.show(errorText(ctx, err));
    }
  }

  let waitForKey: KeyWait | null = null;
  const compose = poster ? composeForm() : null;
  function composeForm(): HTMLElement {
    const text = h('textarea', { name: 'bulletin', rows: 3, maxlength: 16000, required: true });
    const pin = h('input', { type: 'checkbox', name: 'pin' });
    const submit = h('button', { type: 'submit', class: 'primary' }, ctx.t('board.post'));
    waitForKey = keyWait(ctx, group, (waiting) => (submit.disabled = waiting));
    const also = bulletinGroupPicker(ctx, group.groupId);
    const form = h(
      'form',
      { class: 'stack board-compose' },
      waitForKey.el,
      field(ctx.t('board.compose'), text),
      h('label', { class: 'check' }, pin, ctx.t('board.pinOnPost')),
      also.el,
      submit,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!text.value.trim() || waitForKey?.waiting) return;
      void runBusy(submit, alert, ctx, async () => {
        try {
          const more = also.selected();
          if (more.length) {
            const posted = await client.postBulletinToGroups([group.groupId, ...more], text.value.trim(), {
              pin: pin.checked,
            });
            ctx.announce(ctx.t('board.postedMany', { count: posted.length }));
          } else await client.postBulletin(group.groupId, text.value.trim(), { pin: pin.checked });
        } catch (err) {
          if (!isKeyWait(err)) throw err;
          return waitForKey?.set(true); // the text stays in the box until the key arrives
        }
        text.value = '';
        pin.checked = false;
        also.clear();
        ctx.announce(ctx.t('board.posted'));
        await reload();
      }).then(() => waitForKey?.set(waitForKey.waiting)); // runBusy turned the button back on
    });
    return form;
  }

  const unsubscribe = client.subscribe((event) => {
    if (event.type === 'message' && event.groupId === group.groupId && event.kind === 'bulletin') void reload();
  });
  const unsubscribeMeta = onMetaMessage(ctx, group.groupId, (fresh) => {
    group = fresh;
    refreshSenderNames(ctx, list, group);
  });
  void reload();

  return {
    el: h(
      'div',
      { class: 'panel board' },
      alert.el,
      compose ?? h('p', { class: 'hint board-readonly' }, ctx.t('board.readOnly')),
      list,
    ),
    dispose: () => {
      disposed = true;
      unsubscribe();
      unsubscribeMeta();
      waitForKey?.dispose();
    },
  };
}
