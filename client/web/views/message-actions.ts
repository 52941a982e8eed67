// What she can do with a message: answer it (a quote goes with the reply),
// and, for her own, edit or delete it for everyone. A small menu button per
// message opens the actions; the compose box shows what she is replying to or
// editing, with a way to cancel. Delete asks twice, as leaving a group does.
import type { GroupView } from '../../sdk/client-api';
import type { MessageEvent } from '../../sdk/events';
import type { AppContext } from '../ui/context';
import { h } from '../ui/dom';
import { type alertBox, pressTwice } from '../ui/widgets';
import { excerpt } from './message-body';
import { senderName } from './message-parts';

export interface ActionHandlers {
  reply?: (e: MessageEvent) => void;
  edit?: (e: MessageEvent) => void;
  /** deletes it for everyone; a failure is shown in `alert` (the panel's) */
  remove?: (e: MessageEvent) => Promise<void>;
  alert: ReturnType<typeof alertBox>;
}

/** The menu of one message: nothing for a deleted one, reply for anyone's, edit and delete for her own. */
export function messageActions(
  ctx: AppContext,
  e: MessageEvent,
  mine: boolean,
  on: ActionHandlers,
): HTMLElement | null {
  if (e.deleted || (e.content.type !== 'text' && e.content.type !== 'attachment')) return null;
  const buttons: HTMLElement[] = [];
  const menu = h('div', { class: 'msg-actions', hidden: true });
  const close = () => {
    menu.hidden = true;
    toggle.setAttribute('aria-expanded', 'false');
  };
  const action = (label: string, run: () => void) =>
    h('button', { type: 'button', class: 'small', onclick: run }, label);
  if (on.reply) buttons.push(action(ctx.t('chat.reply'), () => (close(), on.reply!(e))));
  if (mine && on.edit && e.content.type === 'text')
    buttons.push(action(ctx.t('chat.edit'), () => (close(), on.edit!(e))));
  if (mine && on.remove) {
    const remove = on.remove;
    buttons.push(
      pressTwice(
        ctx,
        on.alert,
        { label: ctx.t('chat.delete'), confirm: ctx.t('chat.deleteConfirm'), className: 'small danger' },
        async () => {
          await remove(e);
          close();
        },
      ),
    );
  }
  if (!buttons.length) return null;
  menu.append(...buttons);
  const toggle = h(
    'button',
    { type: 'button', class: 'small menu-toggle', 'aria-label': ctx.t('chat.actions'), 'aria-expanded': 'false' },
    '⋯',
  );
  toggle.addEventListener('click', () => {
    const open = menu.hidden;
    menu.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    if (open) (menu.querySelector('button') as HTMLButtonElement | null)?.focus();
  });
  return h('div', { class: 'msg-menu' }, toggle, menu);
}

/** Puts a message's menu in place (replacing one shown before): the button at the end of its sender line, the actions under its text. */
export function placeActions(li: HTMLElement, actions: HTMLElement | null): void {
  li.querySelector('.menu-toggle')?.remove();
  li.querySelector('.msg-actions')?.remove();
  if (!actions) return;
  const [toggle, menu] = [...actions.children] as HTMLElement[];
  li.querySelector('.meta')?.append(toggle!);
  li.insertBefore(menu!, li.querySelector(':scope > .state'));
}

export type ComposeMode = { kind: 'reply' | 'edit'; target: MessageEvent } | null;

/**
 * The line above the compose box while she replies to or edits a message.
 * Editing puts the text in the box and the send button says "수정하기";
 * cancelling an edit empties the box again (her draft is not lost: it was the
 * message's own text).
 */
export function composeModeBar(
  ctx: AppContext,
  group: () => GroupView,
  input: HTMLTextAreaElement,
  sendButton: HTMLButtonElement,
) {
  let mode: ComposeMode = null;
  const label = h('span', { class: 'compose-mode-text' });
  const cancel = h('button', { type: 'button', class: 'small' }, '×');
  const el = h('div', { class: 'compose-mode', hidden: true }, label, cancel);
  const sendLabel = sendButton.textContent;

  function set(next: ComposeMode): void {
    const wasEdit = mode?.kind === 'edit';
    mode = next;
    el.hidden = !mode;
    sendButton.textContent = mode?.kind === 'edit' ? ctx.t('chat.saveEdit') : sendLabel;
    if (wasEdit && mode?.kind !== 'edit') input.value = '';
    if (!mode) return;
    if (mode.kind === 'reply') {
      const name = senderName(ctx, group(), mode.target.sender);
      label.textContent = ctx.t('chat.replyingTo', { name, quote: excerpt(ctx, mode.target) });
      cancel.setAttribute('aria-label', ctx.t('chat.cancelReply'));
    } else {
      label.textContent = ctx.t('chat.editing');
      cancel.setAttribute('aria-label', ctx.t('chat.cancelEdit'));
      input.value = mode.target.content.type === 'text' ? mode.target.content.text : '';
    }
    input.focus();
  }
  cancel.addEventListener('click', () => set(null));

  return {
    el,
    reply: (target: MessageEvent) => set({ kind: 'reply', target }),
    edit: (target: MessageEvent) => set({ kind: 'edit', target }),
    /** The mode a send uses; the bar closes (the box keeps what she typed). */
    take(): ComposeMode {
      const taken = mode;
      mode = null;
      el.hidden = true;
      sendButton.textContent = sendLabel;
      return taken;
    },
    /** She is editing a message: the box holds its text (not a caption for a file). */
    editing: () => mode?.kind === 'edit',
    /** A message was deleted or changed: a reply or edit of it is dropped. */
    forget(messageId: string): void {
      if (mode?.target.messageId === messageId) set(null);
    },
  };
}
