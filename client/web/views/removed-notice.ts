// What a removed member sees instead of the composer: that she was removed
// (her group stays, read-only, with what she read), and a way to delete it
// from this device, pressed twice to confirm.
import type { GroupView } from '../../sdk/client-api';
import type { AppContext } from '../ui/context';
import { h } from '../ui/dom';
import { alertBox, pressTwice } from '../ui/widgets';

export function removedNotice(ctx: AppContext, group: GroupView): HTMLElement {
  const alert = alertBox();
  const forget = pressTwice(
    ctx,
    alert,
    { label: ctx.t('removed.forget'), confirm: ctx.t('removed.forgetConfirm'), className: 'small danger' },
    async () => {
      await ctx.session.client.forgetGroup(group.groupId);
      // An unsent draft for it goes too (kept in the app vault).
      const { [group.groupId]: _gone, ...drafts } = ctx.session.settings.drafts;
      await ctx.session.updateSettings({ drafts });
      ctx.announce(ctx.t('removed.forgotten'));
      ctx.navigate({ name: 'groups' });
    },
  );
  forget.dataset.testid = 'forget-group';
  return h(
    'div',
    { class: 'removed-notice', 'data-testid': 'removed-notice' },
    h('p', { class: 'warning', role: 'note' }, ctx.t('removed.notice')),
    alert.el,
    h('div', { class: 'actions' }, forget),
  );
}
