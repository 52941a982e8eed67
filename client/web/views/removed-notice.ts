// What a removed member sees instead of the composer: that she was removed
// (her group stays, read-only, with what she read), and a way to delete it
// from this device, pressed twice to confirm.
import type { GroupView } from '../../sdk/client-api';
import type { AppContext } from '../ui/context';
import { h } from '../ui/dom';
import { alertBox, runBusy } from '../ui/widgets';

export function removedNotice(ctx: AppContext, group: GroupView): HTMLElement {
  const alert = alertBox();
  const forget = h(
    'button',
    { type: 'button', class: 'small danger', 'data-testid': 'forget-group' },
    ctx.t('removed.forget'),
  );
  forget.addEventListener('click', () => {
    if (forget.dataset.confirm !== 'yes') {
      forget.dataset.confirm = 'yes';
      forget.textContent = ctx.t('removed.forgetConfirm');
      return;
    }
    void runBusy(forget, alert, ctx, async () => {
      await ctx.session.client.forgetGroup(group.groupId);
      // An unsent draft for it goes too (kept in the app vault).
      const { [group.groupId]: _gone, ...drafts } = ctx.session.settings.drafts;
      await ctx.session.updateSettings({ drafts });
      ctx.announce(ctx.t('removed.forgotten'));
      ctx.navigate({ name: 'groups' });
    });
  });
  return h(
    'div',
    { class: 'removed-notice', 'data-testid': 'removed-notice' },
    h('p', { class: 'warning', role: 'note' }, ctx.t('removed.notice')),
    alert.el,
    h('div', { class: 'actions' }, forget),
  );
}
