// One group: its name, tabs (chat, board, members, and admin for admins) and
// the open tab's panel. Roster changes (roles, removal, announcement-only) re-render it.
// For admins, join requests waiting show on the admin tab and, on the other tabs, as a notice that opens it.
import type { GroupView } from '../../sdk/client-api';
import type { AppContext, View, ViewFactory } from '../ui/context';
import { h } from '../ui/dom';
import type { GroupTab, Route } from '../ui/routes';
import { alertBox, errorText, roleBadge, screenHeader } from '../ui/widgets';
import { adminPanel } from './admin-panel';
import { boardPanel } from './board-panel';
import { chatPanel } from './chat-panel';
import { deliveryBanner } from './delivery-warnings';
import { invitationPanel, leaveButton } from './consent-controls';
import { membersPanel } from './members-panel';
import { requestCount } from './request-count';
import { urgentAlerts } from './urgent-help';

type GroupRoute = Extract<Route, { name: 'group' }>;

type Panel = (ctx: AppContext, group: GroupView, reload: () => void, onRequests: (count: number) => void) => View;

const PANELS: Record<GroupTab, Panel> = {
  chat: chatPanel,
  board: boardPanel,
  members: membersPanel,
  admin: adminPanel,
};

export const groupView: ViewFactory<GroupRoute> = (ctx, route) => {
  const client = ctx.session.client;
  const alert = alertBox();
  const body = h('div', { class: 'group-body', 'aria-busy': 'true' });
  const title = h('span', null, ctx.t('group.loading'));
  // facilitators and admins: urgent requests nobody acknowledged yet, above everything
  const urgent = urgentAlerts(ctx, route.groupId);
  const el = h(
    'section',
    { class: 'screen group' },
    screenHeader(ctx, title, { name: 'groups' }),
    alert.el,
    urgent.el,
    body,
  );
  let panel: View | null = null;
  let banner: ReturnType<typeof deliveryBanner> | null = null;
  let disposed = false;
  let lastRole: string | null = null;
  let lastAnnouncementOnly: boolean | null = null;
  let currentTab: GroupTab = route.tab;
  let isAdmin = false;
  // Join requests waiting (admins): a count on the admin tab and a notice on the others.
  const adminCount = h('span', { class: 'unread', hidden: true });
  let adminTab: HTMLButtonElement | null = null;
  const requestsNotice = h(
    'button',
    {
      type: 'button',
      class: 'requests-notice',
      hidden: true,
      onclick: () => ctx.navigate({ name: 'group', groupId: route.groupId, tab: 'admin' }),
    },
    ctx.t('group.requestsBanner', { count: 0 }),
  );
  function showRequests(count: number): void {
    const text = ctx.t('groups.requests', { count });
    adminCount.textContent = String(count);
    adminCount.hidden = count === 0;
    if (count > 0) adminTab?.setAttribute('aria-label', `${ctx.t('tab.admin')}, ${text}`);
    else adminTab?.removeAttribute('aria-label');
    requestsNotice.textContent = ctx.t('group.requestsBanner', { count });
    requestsNotice.hidden = count === 0 || route.tab === 'admin';
  }
  async function refreshRequests(): Promise<void> {
    const group = (await client.groups()).find((g) => g.groupId === route.groupId);
    if (group && !disposed) showRequests(await requestCount(client, group));
  }

  async function load(): Promise<void> {
    try {
      const group = (await client.groups({ includeRemoved: true })).find((g) => g.groupId === route.groupId);
      if (disposed) return;
      if (!group) return ctx.navigate({ name: 'groups' });
      const closed = (route.tab === 'admin' && group.role !== 'admin') || (group.removed && route.tab !== 'board');
      const tab = closed ? 'chat' : route.tab;
      currentTab = tab;
      lastRole = group.role;
      lastAnnouncementOnly = group.announcementOnly;
      isAdmin = group.role === 'admin' && !group.invitation;
      showTitle(group);
      panel?.dispose?.();
      banner?.dispose();
      banner = null;
      if (group.invitation) {
        panel = null;
        body.replaceChildren(invitationPanel(ctx, group, alert));
        body.removeAttribute('aria-busy');
        return;
      }
      panel = PANELS[tab](ctx, group, () => void load(), showRequests);
      banner = deliveryBanner(ctx, group);
      body.replaceChildren(
        tabs(group, tab),
        isAdmin && tab !== 'admin' ? requestsNotice : '',
        group.rosterValid ? '' : h('p', { class: 'warning', role: 'alert' }, ctx.t('warn.invalidRoster')),
        group.staleKey ? h('p', { class: 'warning', role: 'alert' }, ctx.t('key.stale')) : '',
        group.doorVerified
          ? ''
          : h('p', { class: 'warning', 'data-testid': 'not-verified' }, ctx.t('warn.notVerified')),
        banner.el,
        panel.el,
        group.removed ? '' : leaveButton(ctx, group, alert),
      );
      body.removeAttribute('aria-busy');
      showTabMarks(group, tab);
      if (isAdmin) void refreshRequests().catch(() => {});
    } catch (err) {
      alert.show(errorText(ctx, err));
    }
  }

  /** Unread marks on the chat and board tabs (not on the open one: it is being read). */
  const tabMarks = new Map<GroupTab, HTMLElement>();
  function showTabMarks(group: GroupView, active: GroupTab): void {
    const counts: Partial<Record<GroupTab, number>> = {
      chat: group.unreadByKind?.message ?? 0,
      board: group.unreadByKind?.bulletin ?? 0,
    };
    for (const [tab, mark] of tabMarks) {
      const count = tab === active ? 0 : (counts[tab] ?? 0);
      mark.hidden = count === 0;
      mark.replaceChildren(
        h('span', { 'aria-hidden': 'true' }, String(count)),
        h('span', { class: 'sr-only' }, ctx.t('tab.unread', { count })),
      );
    }
  }

  function tabs(group: GroupView, active: GroupTab): HTMLElement {
    // A removed member reads what she had: the chat and the board, nothing to manage.
    const names: GroupTab[] = group.removed
      ? ['chat', 'board']
      : group.role === 'admin'
        ? ['chat', 'board', 'members', 'admin']
        : ['chat', 'board', 'members'];
    return h(
      'nav',
      { class: 'tabs', 'aria-label': ctx.t('group.sections') },
      names.map((tab) => {
        const button = h(
          'button',
          {
            type: 'button',
            'aria-current': tab === active ? 'page' : null,
            onclick: () => tab !== active && ctx.navigate({ name: 'group', groupId: route.groupId, tab }),
          },
          ctx.t(`tab.${tab}`),
          tabMark(tab),
          tab === 'admin' ? adminCount : null,
        );
        if (tab === 'admin') adminTab = button;
        return button;
      }),
    );
  }

  function tabMark(tab: GroupTab): HTMLElement | null {
    if (tab !== 'chat' && tab !== 'board') return null;
    const mark = h('span', { class: 'unread tab-unread', 'data-tab': tab, hidden: true });
    tabMarks.set(tab, mark);
    return mark;
  }

  /** A chat message or bulletin arrived: the other tab's mark shows it. */
  async function refreshTabMarks(): Promise<void> {
    const group = (await client.groups()).find((g) => g.groupId === route.groupId);
    if (group && !disposed) showTabMarks(group, currentTab);
  }

  function showTitle(group: GroupView): void {
    const role = group.removed ? null : roleBadge(ctx, group.role);
    title.replaceChildren(group.name ?? ctx.t('group.unnamed'), ' ', role ?? '');
  }

  // The name arrives in an encrypted meta message, possibly after the group opened.
  async function refreshTitle(): Promise<void> {
    const group = (await client.groups({ includeRemoved: true })).find((g) => g.groupId === route.groupId);
    if (group && !disposed) showTitle(group);
  }

  // A role change or removal redraws the panel (controls depend on the role).
  const unsubscribe = client.subscribe((event) => {
    if (!('groupId' in event) || event.groupId !== route.groupId) return;
    if (event.type === 'join-request') {
      ctx.announce(ctx.t('requests.arrived'));
      // the admin panel reloads its list (and reports the count) itself
      if (route.tab !== 'admin') void refreshRequests().catch(() => {});
      return;
    }
    if (event.type === 'roster' && isAdmin) void refreshRequests().catch(() => {});
    if (event.type === 'message' && event.kind === 'meta') return void refreshTitle().catch(() => {});
    if (event.type === 'message') return void refreshTabMarks().catch(() => {});
    if (event.type !== 'roster') return;
    const mine = event.members.find((m) => m.deviceId === client.deviceId);
    if (event.removedSelf || mine?.role !== lastRole) return void load();
    // A settings commit changes who may write in the chat.
    void client.groups({ includeRemoved: true }).then(
      (groups) => {
        const group = groups.find((g) => g.groupId === route.groupId);
        if (group && !disposed && group.announcementOnly !== lastAnnouncementOnly) void load();
      },
      () => {},
    );
  });
  void load();

  return {
    el,
    dispose: () => {
      disposed = true;
      unsubscribe();
      urgent.dispose?.();
      panel?.dispose?.();
      banner?.dispose();
    },
  };
};
