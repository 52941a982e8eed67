// While a join request waits for an admin. She sees the safety number to
// compare with the approving admin's screen (digits and QR, one per admin the
// server named). The group opens by itself once the
// roster adds this device (a live event, or the periodic catch-up); when the
// request is gone without that, a neutral line says she was not let in; when
// the group shown is not the one her link named, she is told it was refused.
import type { ViewFactory } from '../ui/context';
import type { Route } from '../ui/routes';
import { h } from '../ui/dom';
import { qrSvg } from '../ui/qr';
import { safetyDigits, screenHeader, shortId } from '../ui/widgets';

const POLL_MS = 3000;

export const waitingView: ViewFactory<Extract<Route, { name: 'waiting' }>> = (ctx, route) => {
  const client = ctx.session.client;
  let done = false;
  const isMember = async () => (await client.groups().catch(() => [])).some((g) => g.groupId === route.groupId);
  function open(): void {
    done = true;
    ctx.announce(ctx.t('waiting.approved'));
    ctx.navigate({ name: 'group', groupId: route.groupId, tab: 'chat' });
  }
  // Neutral on purpose: it says neither who decided nor why.
  function ended(): void {
    done = true;
    stop();
    spinner.hidden = true;
    hint.hidden = true;
    safety.hidden = true;
    title.textContent = ctx.t('waiting.endedTitle');
    status.textContent = ctx.t('waiting.ended');
  }
  async function check(): Promise<void> {
    if (done) return;
    if (await isMember()) return done ? undefined : open();
    const joins = await client.pendingJoins().catch(() => null);
    if (done || !joins || joins.some((j) => j.groupId === route.groupId)) return;
    // The request is gone: approved (with the roster not yet synced here) or not let in.
    await client.sync().catch(() => {});
    if (done) return;
    if (await isMember()) open();
    else ended();
  }
  // The server showed a group that is not the one her link named: it was refused; she is told and stops waiting.
  function wrongGroup(): void {
    ended();
    title.textContent = ctx.t('waiting.endedTitle');
    status.textContent = ctx.t('warn.wrongGroup');
  }
  const unsubscribe = client.subscribe((event) => {
    if (event.type === 'wrong-group' && event.groupId === route.groupId) return wrongGroup();
    if (event.type !== 'connection' && 'groupId' in event && event.groupId === route.groupId) void check();
  });
  const timer = setInterval(
    () =>
      void client
        .sync()
        .catch(() => {})
        .then(check),
    POLL_MS,
  );
  const stop = () => {
    clearInterval(timer);
    unsubscribe();
  };
  const title = h('span', null, ctx.t('waiting.title'));
  const spinner = h('div', { class: 'spinner', 'aria-hidden': 'true' });
  const status = h('p', { class: 'lead', role: 'status' }, ctx.t('waiting.body'));
  const hint = h('p', { class: 'hint' }, ctx.t('waiting.hint'));
  const safety = h('div', { class: 'safety waiting-safety' });
  void client
    .joinSafetyNumbers(route.groupId)
    .then((numbers) => {
      if (done || !numbers.length) return;
      const several = numbers.length > 1;
      safety.replaceChildren(
        h('p', { class: 'lead' }, ctx.t('waiting.safety')),
        ...numbers.map((n) =>
          h(
            'div',
            { class: 'stack', 'data-testid': 'waiting-safety' },
            several ? h('h2', null, ctx.t('waiting.safetyAdmin', { id: shortId(n.adminId) })) : null,
            safetyDigits(n.digits),
            qrSvg(n.qr, ctx.t('waiting.safetyQr')),
          ),
        ),
      );
    })
    .catch(() => {});
  void check();

  return {
    el: h(
      'section',
      { class: 'screen waiting' },
      screenHeader(ctx, title, { name: 'groups' }),
      spinner,
      status,
      safety,
      hint,
    ),
    dispose: () => {
      done = true;
      stop();
    },
  };
};
