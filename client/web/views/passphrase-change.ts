// Settings › change passphrase: the current one, the new one twice (with its
// strength), then everything on the device is sealed again under the new one
// (core/session.ts changePassphrase; the crash-safe order is in docs/WEB.md).
import type { AppContext } from '../ui/context';
import { field, h } from '../ui/dom';
import { passphraseFields } from '../ui/passphrase-fields';
import { alertBox, runBusy, savedNote } from '../ui/widgets';

export function passphraseChangeSection(ctx: AppContext): HTMLElement {
  const current = h('input', {
    type: 'password',
    name: 'current-passphrase',
    autocomplete: 'current-password',
    required: true,
  });
  const fields = passphraseFields(ctx, 'settings.newPassphrase', 'settings.newPassphraseConfirm');
  const alert = alertBox();
  const saved = savedNote(ctx);
  const working = h('p', { class: 'hint', hidden: true }, ctx.t('settings.passphraseWorking'));
  const submit = h('button', { type: 'submit' }, ctx.t('settings.passphraseSubmit'));
  const form = h(
    'form',
    { class: 'stack', novalidate: true, 'aria-labelledby': 'passphrase-title' },
    h('h2', { id: 'passphrase-title' }, ctx.t('settings.passphraseTitle')),
    h('p', { class: 'hint' }, ctx.t('settings.passphraseHint')),
    field(ctx.t('settings.passphraseCurrent'), current),
    fields.el,
    alert.el,
    working,
    submit,
    saved.el,
  );
  form.addEventListener('input', () => {
    alert.clear();
    saved.clear();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const problem = fields.problem();
    if (problem) return alert.show(problem);
    if (fields.value() === current.value) return alert.show(ctx.t('settings.passphraseUnchanged'));
    working.hidden = false;
    void runBusy(submit, alert, ctx, async () => {
      try {
        const result = await ctx.session.changePassphrase(current.value, fields.value());
        if (result === 'wrong') return alert.show(ctx.t('settings.passphraseWrong'));
        if (result === 'same-as-duress') return alert.show(ctx.t('settings.passphraseSameAsDuress'));
        form.reset();
        fields.reset();
        saved.show(ctx.t('settings.passphraseChanged'));
      } finally {
        working.hidden = true;
      }
    });
  });
  return form;
}
