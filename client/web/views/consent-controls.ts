// What a person needs to say yes or no to a group: an invitation (a group she
// was put in without asking) she accepts or declines, and "leave group" with
// a second press to confirm. Nothing is sent to an invitation until she accepts.
import type { GroupView } from '../../sdk/client-api';
import type { AppContext } from '../ui/context';
import { h } from '../ui/dom';
import { type alertBox, pressTwice, runBusy } from '../ui/widgets';

export function invitationPanel(ctx: AppContext, group: GroupView, alert: ReturnType<typeof alertBox>): HTMLElement {
  const client = ctx.session.client;
  const accept = h(
    'button',
    { type: 'button', class: 'primary', 'data-testid': 'accept-invitation' },
    ctx.t('consent.accept'),
  );
  const decline = h(
    'button',
    { type: 'button', class: 'danger', 'data-testid': 'decline-invitation' },
    ctx.t('consent.decline'),
  );
  accept.addEventListener('click', () =>
    runBusy(accept, alert, ctx, async () => {
      await client.acceptInvitation(group.groupId);
      ctx.announce(ctx.t('consent.accepted'));
      ctx.navigate({ name: 'group', groupId: group.groupId, tab: 'chat' });
    }),
  );
  decline.addEventListener('click', () =>
    runBusy(decline, alert, ctx, async () => {
      await client.declineInvitation(group.groupId);
      ctx.announce(ctx.t('consent.declined'));
      ctx.navigate({ name: 'groups' });
    }),
  );
  return h(
    'div',
    { class: 'invitation stack', 'data-testid': 'invitation' },
    h('p', { class: 'warning', role: 'alert' }, ctx.t('consent.invitation')),
    h('p', { class: 'hint' }, ctx.t('consent.checkWho')),
    h('div', { class: 'actions' }, accept, decline),
  );
}

export function leaveButton(ctx: AppContext, group: GroupView, alert: ReturnType<typeof alertBox>): HTMLElement {
  const leave = pressTwice(
    ctx,
    alert,
    { label: ctx.t('group.leave'), confirm: ctx.t('group.leaveConfirm'), className: 'small danger' },
    async () => {
      await ctx.session.client.leaveGroup(group.groupId);
      ctx.announce(ctx.t('group.left'));
      ctx.navigate({ name: 'groups' });
    },
  );
  leave.dataset.testid = 'leave-group';
  return h('div', { class: 'actions leave' }, leave);
}
