// Settings: notifications while the app is closed (Web Push), off by default.
// The hint says what turning it on tells a push service: when something new
// arrives, nothing else. The switch shows the browser's state (a subscription
// exists or not); the app stores nothing about it.
import { pushIsOn, pushSupported, turnPushOff, turnPushOn } from '../core/web-push';
import type { AppContext } from '../ui/context';
import { h } from '../ui/dom';
import { alertBox, errorText } from '../ui/widgets';

export function pushSettingsSection(ctx: AppContext): HTMLElement {
  const client = ctx.session.client;
  const alert = alertBox();
  const toggle = h('input', { type: 'checkbox', name: 'push', checked: false, disabled: !pushSupported() });
  void pushIsOn().then((on) => (toggle.checked = on));

  toggle.addEventListener('change', () => {
    alert.clear();
    toggle.disabled = true;
    void (async () => {
      try {
        if (!toggle.checked) {
          await turnPushOff(client);
          return ctx.announce(ctx.t('settings.pushOff'));
        }
        const result = await turnPushOn(client);
        if (result === 'on') return ctx.announce(ctx.t('settings.pushOn'));
        toggle.checked = false;
        alert.show(ctx.t(result === 'denied' ? 'settings.pushDenied' : 'settings.pushUnavailable'));
      } catch (err) {
        toggle.checked = await pushIsOn();
        alert.show(errorText(ctx, err));
      } finally {
        toggle.disabled = !pushSupported();
      }
    })();
  });

  return h(
    'section',
    { class: 'stack push-settings' },
    h('label', { class: 'check' }, toggle, ctx.t('settings.push')),
    h('p', { class: 'hint' }, ctx.t(pushSupported() ? 'settings.pushHint' : 'settings.pushUnsupported')),
    alert.el,
  );
}
