// While a join request waits for an admin. The group opens by itself once the
// roster adds this device (a live event, or the periodic catch-up).
import type { ViewFactory } from '../ui/context';
import type { Route } from '../ui/routes';
import { h } from '../ui/dom';
import { screenHeader } from '../ui/widgets';

const POLL_MS = 3000;

export const waitingView: ViewFactory<Extract<Route, { name: 'waiting' }>> = (ctx, route) => {
  const client = ctx.session.client;
  let done = false;
  async function check(): Promise<void> {
    if (done) return;
    const groups = await client.groups().catch(() => []);
    if (!done && groups.some((g) => g.groupId === route.groupId)) {
      done = true;
      ctx.announce(ctx.t('waiting.approved'));
      ctx.navigate({ name: 'group', groupId: route.groupId, tab: 'chat' });
    }
  }
  const unsubscribe = client.subscribe((event) => {
    if (event.type !== 'connection' && 'groupId' in event && event.groupId === route.groupId) void check();
  });
  const timer = setInterval(() => void client.sync().catch(() => {}).then(check), POLL_MS);
  void check();

  return {
    el: h(
      'section',
      { class: 'screen waiting' },
      screenHeader(ctx, ctx.t('waiting.title'), { name: 'groups' }),
      h('div', { class: 'spinner', 'aria-hidden': 'true' }),
      h('p', { class: 'lead', role: 'status' }, ctx.t('waiting.body')),
      h('p', { class: 'hint' }, ctx.t('waiting.hint')),
    ),
    dispose: () => {
      done = true;
      clearInterval(timer);
      unsubscribe();
    },
  };
};
