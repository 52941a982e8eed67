// Who is in the group, with their roles, and the safety number of each to
// compare in person. Admins also change roles and remove members here.
import { ROLES, type Role } from '../../../shared/protocol/posting-rules';
import type { GroupView, MemberView } from '../../sdk/client-api';
import type { AppContext, View } from '../ui/context';
import { h, select } from '../ui/dom';
import { alertBox, pressTwice, roleBadge, runBusy } from '../ui/widgets';
import { senderName } from './message-parts';
import { hasMark, markState } from './verified-marks';

export function membersPanel(ctx: AppContext, group: GroupView, reloadGroup: () => void): View {
  const client = ctx.session.client;
  const alert = alertBox();
  const isAdmin = group.role === 'admin';

  function adminControls(m: MemberView): HTMLElement {
    const name = senderName(ctx, group, m.deviceId);
    const role = select(
      'role',
      ROLES.map((r) => ({ value: r, label: ctx.t(`role.${r}`) })),
      m.role,
    );
    role.setAttribute('aria-label', ctx.t('members.roleOf', { name }));
    const saveRole = h('button', { type: 'button', class: 'small' }, ctx.t('members.setRole'));
    saveRole.addEventListener('click', () =>
      runBusy(saveRole, alert, ctx, async () => {
        await client.setRole(group.groupId, m.deviceId, role.value as Role);
        ctx.announce(ctx.t('members.roleChanged'));
        reloadGroup();
      }),
    );
    const remove = pressTwice(
      ctx,
      alert,
      { label: ctx.t('members.remove'), confirm: ctx.t('members.removeConfirm', { name }), className: 'small danger' },
      async () => {
        await client.removeMember(group.groupId, m.deviceId);
        ctx.announce(ctx.t('members.removed'));
        reloadGroup();
      },
    );
    return h('div', { class: 'row' }, role, saveRole, remove);
  }

  /** Her verified mark beside the member, if the number still matches (a changed one is cleared and said). */
  function markOf(m: MemberView): HTMLElement {
    const slot = h('span', { class: 'mark-slot' });
    if (!hasMark(ctx.session, m.deviceId)) return slot;
    void client
      .safetyNumber(group.groupId, m.deviceId)
      .then((n) => markState(ctx.session, m.deviceId, n.digits))
      .then((state) => {
        if (state === 'verified')
          slot.replaceChildren(h('span', { class: 'badge verified' }, `✓ ${ctx.t('members.verified')}`));
        if (state === 'changed')
          slot.replaceChildren(
            h('span', { class: 'warning' }, ctx.t('safety.changed', { name: senderName(ctx, group, m.deviceId) })),
          );
      })
      .catch(() => {});
    return slot;
  }

  const items = group.members.map((m) => {
    const self = m.deviceId === client.deviceId;
    return h(
      'li',
      { class: 'member' },
      h(
        'p',
        { class: 'meta' },
        h('span', { class: 'sender' }, senderName(ctx, group, m.deviceId)),
        roleBadge(ctx, m.role),
        self ? null : markOf(m),
      ),
      self
        ? null
        : h(
            'div',
            { class: 'row' },
            h(
              'button',
              {
                type: 'button',
                class: 'small',
                onclick: () => ctx.navigate({ name: 'safety', groupId: group.groupId, deviceId: m.deviceId }),
              },
              ctx.t('members.safety'),
            ),
          ),
      isAdmin && !self ? adminControls(m) : null,
    );
  });

  return {
    el: h('div', { class: 'panel members' }, alert.el, h('ul', { class: 'member-list' }, items)),
  };
}
