// The admin panel: invites (create, rotate, revoke), join requests (with the
// invite used, the newcomer's introduction or a warning that it was moved onto
// this request, and her safety number; rejected one by one or all at once),
// and group settings. It reports how many requests wait (the group's tabs show it).
import type { GroupView, InviteInfo, JoinRequestInfo } from '../../sdk/client-api';
import type { AppContext, View } from '../ui/context';
import { field, h } from '../ui/dom';
import { alertBox, errorText, pressTwice, roleBadge, runBusy, safetyDigits } from '../ui/widgets';
import { inviteForm } from './invite-form';
import { inviteName, renderInvites } from './invite-list';
import { retentionSelect } from './retention';
import { helpSettingsForm } from './help-settings';

export function adminPanel(
  ctx: AppContext,
  group: GroupView,
  reloadGroup: () => void,
  onRequests: (count: number) => void = () => {},
): View {
  const client = ctx.session.client;
  const gid = group.groupId;
  const alert = alertBox();
  const invitesList = h('div', { class: 'invites' });
  const requestsList = h('ul', { class: 'request-list' });
  const clearAllSlot = h('div', { class: 'actions' });
  let invites: InviteInfo[] = [];
  let disposed = false;

  /** Rejects every pending request (of one invite, or of the group) and says how many went. */
  async function clearRequests(inviteId?: string): Promise<void> {
    const count = await client.clearJoinRequests(gid, inviteId === undefined ? {} : { inviteId });
    ctx.announce(ctx.t('requests.cleared', { count }));
    await load();
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
        // the list only: a redrawn panel would lose the invite codes still on screen
        await load();
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
        h('span', { class: 'sender' }, ctx.t('requests.via', { invite: inviteName(ctx, invites, r.inviteId) })),
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
      onRequests(reqs.length);
      form.update(inv);
      // the past invites stay open if she opened them
      const pastOpen = invitesList.querySelector('details')?.open ?? false;
      invitesList.replaceChildren(
        ...renderInvites(
          ctx,
          alert,
          inv,
          reqs,
          { revoke: (inviteId) => client.revokeInvite(gid, inviteId).then(load), clearRequests },
          pastOpen,
        ),
      );
      requestsList.replaceChildren(
        ...(reqs.length ? reqs.map(requestItem) : [h('li', { class: 'empty' }, ctx.t('requests.none'))]),
      );
      clearAllSlot.replaceChildren(
        ...(reqs.length > 1
          ? [
              pressTwice(
                ctx,
                alert,
                {
                  label: ctx.t('requests.clearAll', { count: reqs.length }),
                  confirm: ctx.t('requests.clearConfirm', { count: reqs.length }),
                  className: 'small danger',
                },
                () => clearRequests(),
              ),
            ]
          : []),
      );
    } catch (err) {
      alert.show(errorText(ctx, err));
    }
  }

  const form = inviteForm(ctx, gid, () => void load());
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
        form.el,
        invitesList,
      ),
      h(
        'section',
        { 'aria-labelledby': 'admin-settings' },
        h('h2', { id: 'admin-settings' }, ctx.t('admin.settings')),
        settingsForm,
        rotateKeys,
      ),
      h(
        'section',
        { 'aria-labelledby': 'admin-urgent' },
        h('h2', { id: 'admin-urgent' }, ctx.t('urgent.open')),
        helpSettingsForm(ctx, gid),
      ),
    ),
    dispose: () => {
      disposed = true;
      unsubscribe();
    },
  };
}
