// Unlock with the passphrase. The duress passphrase erases everything here and
// the page starts again as a new install would.
import type { ViewFactory } from '../ui/context';
import { field, h } from '../ui/dom';
import { alertBox, runBusy, screenHeader } from '../ui/widgets';
import { languagePicker } from './language-picker';

export const unlockView: ViewFactory = (ctx) => {
  const input = h('input', { type: 'password', name: 'passphrase', autocomplete: 'current-password', required: true });
  const alert = alertBox();
  const submit = h('button', { type: 'submit', class: 'primary' }, ctx.t('unlock.submit'));
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    field(ctx.t('unlock.passphrase'), input),
    alert.el,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!input.value) return alert.show(ctx.t('unlock.wrong'));
    void runBusy(submit, alert, ctx, async () => {
      const result = await ctx.session.unlock(input.value);
      input.value = '';
      if (result === 'duress') return window.location.replace('/');
      if (result === 'wrong') {
        alert.show(ctx.t('unlock.wrong'));
        return input.focus();
      }
      ctx.navigate({ name: 'groups' });
    });
  });
  return {
    el: h('section', { class: 'screen unlock' }, screenHeader(ctx, ctx.t('unlock.title')), form, languagePicker(ctx)),
  };
};
