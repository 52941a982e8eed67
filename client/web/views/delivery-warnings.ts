// The group-level warnings about what the server hid or forked, in words a
// person can act on: messages from someone that never arrived (only gaps still
// open after catch-up), a member hidden from this device, and a group the
// server shows differently to different members. Kept current by the SDK's
// 'gaps' and 'fork' events.
import type { GroupView } from '../../sdk/client-api';
import type { AppContext } from '../ui/context';
import { h } from '../ui/dom';
import { senderName } from './message-parts';

export function deliveryWarnings(ctx: AppContext, group: GroupView): HTMLElement[] {
  const lines: HTMLElement[] = [];
  if (group.fork) lines.push(h('p', { class: 'warning fork', role: 'alert' }, ctx.t('warn.fork')));
  for (const gap of group.openGaps) {
    const name = senderName(ctx, group, gap.sender);
    const text = gap.hidden
      ? ctx.t('warn.hiddenMember', { name })
      : ctx.t('warn.missingFrom', { name, count: gap.missing });
    lines.push(h('p', { class: 'warning gap', role: 'note' }, text));
  }
  return lines;
}

/** An element holding the warnings, redrawn whenever the open gaps or the fork state change. */
export function deliveryBanner(ctx: AppContext, initial: GroupView): { el: HTMLElement; dispose: () => void } {
  const el = h('div', { class: 'delivery-warnings' }, deliveryWarnings(ctx, initial));
  const client = ctx.session.client;
  const unsubscribe = client.subscribe((event) => {
    if ((event.type !== 'gaps' && event.type !== 'fork') || event.groupId !== initial.groupId) return;
    void client.groups().then(
      (groups) => {
        const group = groups.find((g) => g.groupId === initial.groupId);
        if (group) el.replaceChildren(...deliveryWarnings(ctx, group));
      },
      () => {},
    );
  });
  return { el, dispose: unsubscribe };
}
