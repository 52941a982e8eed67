// Comparing keys in person: the same 60 digits and QR code appear on both
// phones when nobody (not even the server) has substituted a key. Once they
// match she can mark the person verified (kept on this device only).
import type { AppContext, ViewFactory } from '../ui/context';
import { h } from '../ui/dom';
import { qrSvg } from '../ui/qr';
import type { Route } from '../ui/routes';
import { alertBox, errorText, runBusy, safetyDigits, screenHeader, shortId } from '../ui/widgets';
import { markState, setMark } from './verified-marks';

export const safetyView: ViewFactory<Extract<Route, { name: 'safety' }>> = (ctx, route) => {
  const client = ctx.session.client;
  const alert = alertBox();
  const body = h('div', { class: 'safety', 'aria-busy': 'true' });
  const markSlot = h('div', { class: 'verified-mark stack' });
  let disposed = false;
  void Promise.all([client.safetyNumber(route.groupId, route.deviceId), client.groups()])
    .then(async ([number, groups]) => {
      if (disposed) return;
      const member = groups
        .find((g) => g.groupId === route.groupId)
        ?.members.find((m) => m.deviceId === route.deviceId);
      const name = member?.displayName ?? ctx.t('chat.member', { id: shortId(route.deviceId) });
      const state = await markState(ctx.session, route.deviceId, number.digits);
      if (disposed) return;
      showMark(ctx, markSlot, alert, route.deviceId, number.digits, state === 'verified');
      body.replaceChildren(
        h('p', { class: 'lead' }, ctx.t('safety.intro', { name })),
        state === 'changed' ? h('p', { class: 'warning', role: 'alert' }, ctx.t('safety.changed', { name })) : '',
        safetyDigits(number.digits),
        qrSvg(number.qr, ctx.t('safety.qr')),
        markSlot,
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

/** The mark and the one button that sets or removes it. */
function showMark(
  ctx: AppContext,
  slot: HTMLElement,
  alert: ReturnType<typeof alertBox>,
  deviceId: string,
  digits: string,
  verified: boolean,
): void {
  const toggle = h(
    'button',
    { type: 'button', class: verified ? 'small' : 'primary' },
    ctx.t(verified ? 'safety.unmarkVerified' : 'safety.markVerified'),
  );
  toggle.addEventListener('click', () =>
    runBusy(toggle, alert, ctx, async () => {
      await setMark(ctx.session, deviceId, verified ? null : digits);
      ctx.announce(ctx.t(verified ? 'safety.unmarked' : 'safety.markedVerified'));
      showMark(ctx, slot, alert, deviceId, digits, !verified);
      slot.querySelector('button')?.focus();
    }),
  );
  slot.replaceChildren(
    verified
      ? h('p', { class: 'badge verified', 'data-testid': 'verified-mark' }, `✓ ${ctx.t('members.verified')}`)
      : '',
    verified ? h('p', { class: 'hint' }, ctx.t('safety.verifiedNote')) : '',
    toggle,
  );
}
