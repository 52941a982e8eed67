// Comparing keys in person: the same 60 digits and QR code appear on both
// phones when nobody (not even the server) has substituted a key.
import type { ViewFactory } from '../ui/context';
import { h } from '../ui/dom';
import { qrSvg } from '../ui/qr';
import type { Route } from '../ui/routes';
import { alertBox, errorText, safetyDigits, screenHeader, shortId } from '../ui/widgets';

export const safetyView: ViewFactory<Extract<Route, { name: 'safety' }>> = (ctx, route) => {
  const client = ctx.session.client;
  const alert = alertBox();
  const body = h('div', { class: 'safety', 'aria-busy': 'true' });
  let disposed = false;
  void Promise.all([client.safetyNumber(route.groupId, route.deviceId), client.groups()])
    .then(([number, groups]) => {
      if (disposed) return;
      const member = groups
        .find((g) => g.groupId === route.groupId)
        ?.members.find((m) => m.deviceId === route.deviceId);
      const name = member?.displayName ?? ctx.t('chat.member', { id: shortId(route.deviceId) });
      body.replaceChildren(
        h('p', { class: 'lead' }, ctx.t('safety.intro', { name })),
        safetyDigits(number.digits),
        qrSvg(number.qr, ctx.t('safety.qr')),
        h('p', { class: 'hint' }, ctx.t('safety.mismatch')),
        h(
          'p',
          { class: 'roster-version' },
          ctx.t('safety.roster', { seq: number.roster.seq, hash: number.roster.hash }),
        ),
        h('p', { class: 'hint' }, ctx.t('safety.rosterHint')),
      );
      body.removeAttribute('aria-busy');
    })
    .catch((err: unknown) => alert.show(errorText(ctx, err)));
  return {
    el: h(
      'section',
      { class: 'screen safety-screen' },
      screenHeader(ctx, ctx.t('safety.title'), { name: 'group', groupId: route.groupId, tab: 'members' }),
      alert.el,
      body,
    ),
    dispose: () => {
      disposed = true;
    },
  };
};
