// The group list: unread counts, join requests still waiting (hers, and in
// the groups she administers, how many wait for her), and the ways to start or
// join another group.
import type { GroupView } from '../../sdk/client-api';
import type { ViewFactory } from '../ui/context';
import { h } from '../ui/dom';
import { alertBox, errorText, isOffline, roleBadge, screenHeader } from '../ui/widgets';
import { requestBadge, requestCount } from './request-count';
import { urgentBadge } from './urgent-help';

const POLL_MS = 5000;

export const groupsView: ViewFactory = (ctx) => {
  const client = ctx.session.client;
  const list = h('ul', { class: 'group-list', 'aria-busy': 'true' });
  const pending = h('ul', { class: 'pending-list' });
  const alert = alertBox();

  const groupItem = (g: GroupView) =>
    h(
      'li',
      null,
      h(
        'button',
        {
          type: 'button',
          class: 'group-item',
          onclick: () => ctx.navigate({ name: 'group', groupId: g.groupId, tab: 'chat' }),
        },
        h('span', { class: 'group-name' }, g.name ?? ctx.t('group.unnamed')),
        g.removed ? null : roleBadge(ctx, g.role),
        g.rosterValid ? null : h('span', { class: 'badge warn' }, ctx.t('warn.invalidRoster')),
        g.fork ? h('span', { class: 'badge warn' }, ctx.t('warn.fork')) : null,
        g.invitation ? h('span', { class: 'badge warn' }, ctx.t('consent.invitationBadge')) : null,
        g.removed ? h('span', { class: 'badge', 'data-testid': 'removed-badge' }, ctx.t('removed.badge')) : null,
        !g.invitation && !g.doorVerified ? h('span', { class: 'badge' }, ctx.t('warn.notVerifiedBadge')) : null,
        requestBadge(ctx, requests.get(g.groupId) ?? 0),
        urgentBadge(ctx, g),
        g.unread > 0
          ? h('span', { class: 'unread', 'aria-label': ctx.t('groups.unread', { count: g.unread }) }, String(g.unread))
          : null,
      ),
    );

  // Join requests waiting per administered group: asked again only when one arrives or the roster changes.
  const requests = new Map<string, number>();
  let requestsStale = true;
  let disposed = false;
  let reloading: Promise<void> | null = null;
  // With per-group sockets a device learns that it was approved at its next sync.
  let poll: ReturnType<typeof setInterval> | null = null;
  let failed = false;
  // The groups come from the device (the SDK's sealed store), so they show offline too; only
  // the join requests waiting are the relay's to tell, and offline they wait for the connection.
  async function load(): Promise<void> {
    try {
      const groups = await client.groups({ includeRemoved: true });
      if (disposed) return;
      const draw = () =>
        list.replaceChildren(
          ...(groups.length ? groups.map(groupItem) : [h('li', { class: 'empty' }, ctx.t('groups.empty'))]),
        );
      draw();
      list.removeAttribute('aria-busy');
      if (requestsStale) {
        requestsStale = false;
        const counts = await Promise.all(groups.map((g) => requestCount(client, g)));
        if (disposed) return;
        groups.forEach((g, i) => requests.set(g.groupId, counts[i]!));
        draw();
      }
      const joins = await client.pendingJoins().catch((err: unknown) => {
        if (isOffline(err)) return null;
        throw err;
      });
      if (disposed || joins === null) return;
      if (failed) alert.clear();
      failed = false;
      const waiting = joins.filter((j) => !groups.some((g) => g.groupId === j.groupId));
      if (waiting.length && !poll)
        poll = setInterval(
          () =>
            void client
              .sync()
              .catch(() => {})
              .then(reload),
          POLL_MS,
        );
      if (!waiting.length && poll) {
        clearInterval(poll);
        poll = null;
      }
      pending.replaceChildren(
        ...waiting.map((j) =>
          h(
            'li',
            null,
            h(
              'button',
              {
                type: 'button',
                class: 'group-item pending',
                onclick: () => ctx.navigate({ name: 'waiting', groupId: j.groupId }),
              },
              ctx.t('groups.pending'),
            ),
          ),
        ),
      );
    } catch (err) {
      failed = true;
      alert.show(errorText(ctx, err));
    }
  }
  const reload = () => {
    if (reloading) return;
    reloading = load().finally(() => {
      reloading = null;
      // a request that arrived while the list was loading
      if (requestsStale && !disposed) reload();
    });
  };
  const unsubscribe = client.subscribe((event) => {
    // A group whose genesis is not the one her link named was refused: she is told, once per screen.
    if (event.type === 'wrong-group') alert.show(ctx.t('warn.wrongGroup'));
    if (event.type === 'join-request') ctx.announce(ctx.t('requests.arrived'));
    if (event.type === 'join-request' || event.type === 'roster' || (event.type === 'connection' && event.online))
      requestsStale = true;
    // Back online: the join requests can be asked for again.
    if (event.type !== 'connection' || event.online) reload();
  });
  reload();

  return {
    el: h(
      'section',
      { class: 'screen groups' },
      screenHeader(
        ctx,
        ctx.t('groups.title'),
        undefined,
        h(
          'button',
          { type: 'button', class: 'icon', onclick: () => ctx.navigate({ name: 'settings' }) },
          ctx.t('settings.title'),
        ),
      ),
      alert.el,
      list,
      pending,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', onclick: () => ctx.navigate({ name: 'new-group' }) }, ctx.t('groups.create')),
        h('button', { type: 'button', onclick: () => ctx.navigate({ name: 'join' }) }, ctx.t('groups.join')),
      ),
    ),
    dispose: () => {
      disposed = true;
      if (poll) clearInterval(poll);
      unsubscribe();
    },
  };
};
