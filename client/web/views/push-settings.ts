// Settings: notifications while the app is closed (Web Push), off by default.
// The hint says what turning it on tells a push service: when something new
// arrives, nothing else. The switch shows the browser's state (a subscription
// exists or not); the app stores nothing about it. A relay that sends no
// pushes, or a browser that cannot receive them, gets a disabled switch and a
// line that says why.
import { fetchPushKey, pushIsOn, pushSupported, turnPushOff, turnPushOn } from '../core/web-push';
import type { AppContext } from '../ui/context';
import { h } from '../ui/dom';
import { alertBox, errorText } from '../ui/widgets';

const REFUSALS = {
  denied: 'settings.pushDenied',
  unavailable: 'settings.pushUnavailable',
  unsupported: 'settings.pushUnsupported',
} as const;

export function pushSettingsSection(ctx: AppContext): HTMLElement {
  const client = ctx.session.client;
  const alert = alertBox();
  const supported = pushSupported();
  const toggle = h('input', { type: 'checkbox', name: 'push', checked: false, disabled: true });
  const hint = h('p', { class: 'hint' }, ctx.t('settings.pushHint'));
  /** why the switch is off limits, if it is */
  const note = h('p', { class: 'hint', hidden: supported }, ctx.t('settings.pushUnsupported'));
  /** undefined: not known yet (offline); null: the relay sends no pushes */
  let key: string | null | undefined;

  if (supported) {
    void Promise.all([pushIsOn(), fetchPushKey(client).catch(() => undefined)]).then(([on, relayKey]) => {
      key = relayKey;
      toggle.checked = on;
      toggle.disabled = key === null && !on;
      if (key !== null) return;
      note.textContent = ctx.t('settings.pushUnavailable');
      note.hidden = false;
    });
  }

  toggle.addEventListener('change', () => {
    alert.clear();
    const wanted = toggle.checked;
    // Started before any await: the permission question must come within her tap.
    const change = wanted ? turnPushOn(client, key) : turnPushOff(client).then(() => 'off' as const);
    toggle.disabled = true;
    void change
      .then((result) => {
        if (result === 'on') return ctx.announce(ctx.t('settings.pushOn'));
        if (result === 'off') return ctx.announce(ctx.t('settings.pushOff'));
        toggle.checked = false;
        alert.show(ctx.t(REFUSALS[result]));
      })
      .catch(async (err: unknown) => {
        toggle.checked = await pushIsOn();
        alert.show(errorText(ctx, err));
      })
      .finally(() => {
        toggle.disabled = !supported || (key === null && !toggle.checked);
      });
  });

  return h(
    'section',
    { class: 'stack push-settings' },
    h('label', { class: 'check' }, toggle, ctx.t('settings.push')),
    hint,
    note,
    alert.el,
  );
}
