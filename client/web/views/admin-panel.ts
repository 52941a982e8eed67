// The admin panel: invites (create, rotate, revoke), join requests (with the
// invite used, the newcomer's introduction or a warning that it was moved onto
// this request, and her safety number; rejected one by one or all at once),
// and group settings.
import type { GroupView, InviteInfo, JoinRequestInfo } from '../../sdk/client-api';
import { formatDateTime } from '../i18n';
import type { AppContext, View } from '../ui/context';
import { field, h } from '../ui/dom';
import { alertBox, errorText, roleBadge, runBusy, safetyDigits } from '../ui/widgets';
import { inviteForm } from './invite-form';
import { retentionSelect } from './retention';

export function adminPanel(ctx: AppContext, group: GroupView, reloadGroup: () => void): View {
  const client = ctx.session.client;
  const gid = group.groupId;
  const alert = alertBox();
  const invitesList = h('ul', { class: 'invite-list' });
  const requestsList = h('ul', { class: 'request-list' });
  const clearAllSlot = h('div', { class: 'actions' });
  let invites: InviteInfo[] = [];
  let requests: JoinRequestInfo[] = [];
  let disposed = false;

  /** A button that asks once more (its label changes) before it acts. */
  function pressTwice(
    label: string,
    confirmLabel: string,
    className: string,
    action: () => Promise<void>,
  ): HTMLButtonElement {
    const button = h('button', { type: 'button', class: className }, label);
    button.addEventListener('click', () => {
      if (button.dataset.confirm !== 'yes') {
        button.dataset.confirm = 'yes';
        button.textContent = confirmLabel;
        return;
      }
      void runBusy(button, alert, ctx, action);
    });
    return button;
  }

  /** Rejects every pending request (of one invite, or of the group) and says how many went. */
  async function clearRequests(inviteId?: string): Promise<void> {
    const count = await client.clearJoinRequests(gid, inviteId === undefined ? {} : { inviteId });
    ctx.announce(ctx.t('requests.cleared', { count }));
    await load();
  }

  const inviteName = (inviteId: string) => {
    const invite = invites.find((i) => i.inviteId === inviteId);
    return invite?.label ?? ctx.t('invite.unlabelled', { id: inviteId.slice(0, 6) });
  };

  function inviteItem(i: InviteInfo): HTMLElement {
    const expiresAt = i.expiresAt * 1000; // the relay counts in seconds
    const expired = expiresAt <= Date.now();
    const usedUp = i.uses >= i.maxUses;
    const status = i.revoked
      ? ctx.t('invite.statusRevoked')
      : expired
        ? ctx.t('invite.statusExpired')
        : usedUp
          ? ctx.t('invite.statusUsedUp')
          : ctx.t('invite.statusActive');
    // revoking also rejects the invite's pending requests (a leaked code's flood goes with it)
    const pending = requests.filter((r) => r.inviteId === i.inviteId).length;
    const revokeAction = () => client.revokeInvite(gid, i.inviteId).then(load);
    const revoke =
      pending === 0
        ? h('button', { type: 'button', class: 'small danger' }, ctx.t('invite.revoke'))
        : pressTwice(
            ctx.t('invite.revoke'),
            ctx.t('invite.revokeConfirm', { count: pending }),
            'small danger',
            revokeAction,
          );
    if (pending === 0) revoke.addEventListener('click', () => runBusy(revoke, alert, ctx, revokeAction));
    const clearThese =
      pending === 0
        ? null
        : pressTwice(
            ctx.t('requests.clearInvite', { count: pending }),
            ctx.t('requests.clearConfirm', { count: pending }),
            'small danger',
            () => clearRequests(i.inviteId),
          );
    return h(
      'li',
      { class: 'invite' },
      h(
        'p',
        { class: 'meta' },
        h('span', { class: 'sender' }, inviteName(i.inviteId)),
        roleBadge(ctx, i.role),
        h('span', { class: 'badge' }, status),
      ),
      h(
        'p',
        { class: 'hint' },
        ctx.t('invite.usage', { uses: i.uses, max: i.maxUses, when: formatDateTime(expiresAt) }),
      ),
      h('div', { class: 'actions' }, i.revoked || expired || usedUp ? null : revoke, clearThese),
    );
  }

  /** Her words only when her device wrote them; a moved introduction is a warning, never text. */
  function introductionOf(r: JoinRequestInfo): HTMLElement {
    switch (r.introductionStatus) {
      case 'verified':
        return h('p', { class: 'text' }, r.introduction ?? '');
      case 'transplanted':
        return h('p', { class: 'warning', role: 'alert' }, ctx.t('requests.transplanted'));
      case 'unreadable':
        return h('p', { class: 'hint' }, ctx.t('requests.unreadableIntroduction'));
      default:
        return h('p', { class: 'hint' }, ctx.t('requests.noIntroduction'));
    }
  }

  function requestItem(r: JoinRequestInfo): HTMLElement {
    const approve = h('button', { type: 'button', class: 'primary small' }, ctx.t('requests.approve'));
    const reject = h('button', { type: 'button', class: 'small danger' }, ctx.t('requests.reject'));
    approve.addEventListener('click', () =>
      runBusy(approve, alert, ctx, async () => {
        await client.approve(gid, r.requestId);
        ctx.announce(ctx.t('requests.approved'));
        reloadGroup();
      }),
    );
    reject.addEventListener('click', () =>
      runBusy(reject, alert, ctx, () => client.reject(gid, r.requestId).then(load)),
    );
    return h(
      'li',
      { class: 'request' },
      h(
        'p',
        { class: 'meta' },
        h('span', { class: 'sender' }, ctx.t('requests.via', { invite: inviteName(r.inviteId) })),
        roleBadge(ctx, r.role),
      ),
      introductionOf(r),
      h('p', { class: 'hint' }, ctx.t('requests.safety')),
      safetyDigits(r.safetyNumber),
      h('div', { class: 'actions' }, approve, reject),
    );
  }

  async function load(): Promise<void> {
    try {
      const [inv, reqs] = await Promise.all([client.listInvites(gid), client.joinRequests(gid)]);
      if (disposed) return;
      invites = inv;
      requests = reqs;
      invitesList.replaceChildren(
        ...(inv.length ? inv.map(inviteItem) : [h('li', { class: 'empty' }, ctx.t('invite.none'))]),
      );
      requestsList.replaceChildren(
        ...(reqs.length ? reqs.map(requestItem) : [h('li', { class: 'empty' }, ctx.t('requests.none'))]),
      );
      clearAllSlot.replaceChildren(
        ...(reqs.length > 1
          ? [
              pressTwice(
                ctx.t('requests.clearAll', { count: reqs.length }),
                ctx.t('requests.clearConfirm', { count: reqs.length }),
                'small danger',
                () => clearRequests(),
              ),
            ]
          : []),
      );
    } catch (err) {
      alert.show(errorText(ctx, err));
    }
  }

  const retention = retentionSelect(ctx, group.retentionSeconds);
  const announcementOnly = h('input', { type: 'checkbox', name: 'announcement-only', checked: group.announcementOnly });
  const saveSettings = h('button', { type: 'submit' }, ctx.t('admin.saveSettings'));
  const settingsForm = h(
    'form',
    { class: 'stack' },
    field(ctx.t('admin.retention'), retention.el, ctx.t('admin.retentionHint')),
    h('label', { class: 'check' }, announcementOnly, ctx.t('admin.announcementOnly')),
    saveSettings,
  );
  settingsForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void runBusy(saveSettings, alert, ctx, async () => {
      await client.setSettings(gid, {
        retentionSeconds: retention.value(),
        announcementOnly: announcementOnly.checked,
      });
      ctx.announce(ctx.t('admin.saved'));
      reloadGroup();
    });
  });
  const rotateKeys = h('button', { type: 'button' }, ctx.t('admin.rotateEpoch'));
  rotateKeys.addEventListener('click', () =>
    runBusy(rotateKeys, alert, ctx, async () => {
      await client.rotateEpoch(gid);
      ctx.announce(ctx.t('admin.rotated'));
    }),
  );

  const unsubscribe = client.subscribe((event) => {
    if (event.type === 'join-request' && event.groupId === gid) void load();
  });
  void load();

  return {
    el: h(
      'div',
      { class: 'panel admin' },
      alert.el,
      h(
        'section',
        { 'aria-labelledby': 'admin-requests' },
        h('h2', { id: 'admin-requests' }, ctx.t('requests.title')),
        clearAllSlot,
        requestsList,
      ),
      h(
        'section',
        { 'aria-labelledby': 'admin-invite' },
        h('h2', { id: 'admin-invite' }, ctx.t('invite.title')),
        inviteForm(ctx, gid, () => void load()),
        invitesList,
      ),
      h(
        'section',
        { 'aria-labelledby': 'admin-settings' },
        h('h2', { id: 'admin-settings' }, ctx.t('admin.settings')),
        settingsForm,
        rotateKeys,
      ),
    ),
    dispose: () => {
      disposed = true;
      unsubscribe();
    },
  };
}
