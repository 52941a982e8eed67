// The admin's urgent-help settings for a group: how long a request may wait
// without an acknowledgement before the requester's app shows the help
// numbers, and the numbers themselves (signed roster settings, like the
// others). The app never dials; it shows the numbers to her.
import type { AppContext } from '../ui/context';
import { field, h } from '../ui/dom';
import { alertBox, runBusy } from '../ui/widgets';

const NUMBER_RE = /^[0-9+*#() -]{2,24}$/;
const MAX_NUMBERS = 5;

export function helpSettingsForm(ctx: AppContext, groupId: string): HTMLElement {
  const client = ctx.session.client;
  const current = client.helpSettings(groupId);
  const alert = alertBox();
  const minutes = h('input', {
    type: 'number',
    name: 'urgent-minutes',
    min: 0.1,
    max: 1440,
    step: 'any',
    required: true,
    value: String(Math.round((current.answerSeconds / 60) * 100) / 100),
  });
  const numbers = h('input', {
    type: 'text',
    name: 'help-numbers',
    inputmode: 'tel',
    placeholder: '1366',
    value: current.helpNumbers.join(', '),
  });
  const save = h('button', { type: 'submit' }, ctx.t('admin.saveHelp'));
  const form = h(
    'form',
    { class: 'stack help-settings' },
    alert.el,
    field(ctx.t('admin.urgentWait'), minutes),
    field(ctx.t('admin.helpNumbers'), numbers, ctx.t('admin.helpNumbersHint')),
    save,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const list = numbers.value
      .split(/[,，]/)
      .map((n) => n.trim())
      .filter(Boolean);
    const seconds = Math.round(Number(minutes.value) * 60);
    if (list.length > MAX_NUMBERS || !list.every((n) => NUMBER_RE.test(n)) || !(seconds >= 5 && seconds <= 86_400))
      return alert.show(ctx.t('admin.helpInvalid'));
    void runBusy(save, alert, ctx, async () => {
      await client.setSettings(groupId, { urgentAnswerSeconds: seconds, helpNumbers: list });
      ctx.announce(ctx.t('admin.saved'));
    });
  });
  return form;
}
