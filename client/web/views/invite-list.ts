// The admin panel's list of invites: the ones still usable first, each with
// revoke (and rejecting its pending requests); revoked, expired and used-up
// invites fold away under "past invites".
import type { InviteInfo, JoinRequestInfo } from '../../sdk/client-api';
import { formatDateTime } from '../i18n';
import type { AppContext } from '../ui/context';
import { h } from '../ui/dom';
import { type alertBox, pressTwice, roleBadge, runBusy } from '../ui/widgets';

export interface InviteListActions {
  revoke(inviteId: string): Promise<void>;
  clearRequests(inviteId: string): Promise<void>;
}

/** An invite's name for admins: its label, or a short code id (never "invite: invite …"). */
export function inviteName(ctx: AppContext, invites: InviteInfo[], inviteId: string): string {
  const invite = invites.find((i) => i.inviteId === inviteId);
  return invite?.label ?? ctx.t('invite.unlabelled', { id: inviteId.slice(0, 6) });
}

/** Still usable: not revoked, not expired, not used up. */
export const isActive = (i: InviteInfo, now = Date.now()) =>
  !i.revoked && i.expiresAt * 1000 > now && i.uses < i.maxUses;

export function renderInvites(
  ctx: AppContext,
  alert: ReturnType<typeof alertBox>,
  invites: InviteInfo[],
  requests: JoinRequestInfo[],
  actions: InviteListActions,
  pastOpen = false,
): HTMLElement[] {
  function item(i: InviteInfo): HTMLElement {
    const expiresAt = i.expiresAt * 1000; // the relay counts in seconds
    const status = i.revoked
      ? ctx.t('invite.statusRevoked')
      : expiresAt <= Date.now()
        ? ctx.t('invite.statusExpired')
        : i.uses >= i.maxUses
          ? ctx.t('invite.statusUsedUp')
          : ctx.t('invite.statusActive');
    // revoking also rejects the invite's pending requests (a leaked code's flood goes with it)
    const pending = requests.filter((r) => r.inviteId === i.inviteId).length;
    const revokeAction = () => actions.revoke(i.inviteId);
    let revoke: HTMLButtonElement;
    if (pending === 0) {
      revoke = h('button', { type: 'button', class: 'small danger' }, ctx.t('invite.revoke'));
      revoke.addEventListener('click', () => runBusy(revoke, alert, ctx, revokeAction));
    } else
      revoke = pressTwice(
        ctx,
        alert,
        {
          label: ctx.t('invite.revoke'),
          confirm: ctx.t('invite.revokeConfirm', { count: pending }),
          className: 'small danger',
        },
        revokeAction,
      );
    const clearThese =
      pending === 0
        ? null
        : pressTwice(
            ctx,
            alert,
            {
              label: ctx.t('requests.clearInvite', { count: pending }),
              confirm: ctx.t('requests.clearConfirm', { count: pending }),
              className: 'small danger',
            },
            () => actions.clearRequests(i.inviteId),
          );
    return h(
      'li',
      { class: 'invite' },
      h(
        'p',
        { class: 'meta' },
        h('span', { class: 'sender' }, inviteName(ctx, invites, i.inviteId)),
        roleBadge(ctx, i.role),
        h('span', { class: 'badge' }, status),
      ),
      h(
        'p',
        { class: 'hint' },
        ctx.t('invite.usage', { uses: i.uses, max: i.maxUses, when: formatDateTime(expiresAt) }),
      ),
      h('div', { class: 'actions' }, isActive(i) ? revoke : null, clearThese),
    );
  }

  const active = invites.filter((i) => isActive(i));
  const past = invites.filter((i) => !isActive(i));
  const list = h(
    'ul',
    { class: 'invite-list' },
    active.length ? active.map(item) : h('li', { class: 'empty' }, ctx.t('invite.none')),
  );
  if (!past.length) return [list];
  return [
    list,
    h(
      'details',
      { class: 'past-invites', open: pastOpen },
      h('summary', null, ctx.t('invite.past', { count: past.length })),
      h('ul', { class: 'invite-list' }, past.map(item)),
    ),
  ];
}
