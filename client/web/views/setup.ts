// First run, step two: a passphrase (and, to join, the invite code). Creating
// the identity registers this device; joining then files the join request.
import type { Route } from '../ui/routes';
import type { ViewFactory } from '../ui/context';
import { field, h } from '../ui/dom';
import { inviteFields } from '../ui/invite-fields';
import { passphraseFields } from '../ui/passphrase-fields';
import { alertBox, runBusy, screenHeader } from '../ui/widgets';
import { currentLanguage } from '../i18n';
import { languagePicker } from './language-picker';

export const setupView: ViewFactory<Extract<Route, { name: 'setup' }>> = (ctx, route) => {
  const joining = route.mode === 'join';
  const invite = joining ? inviteFields(ctx) : null;
  const name = h('input', { name: 'display-name', autocomplete: 'off', maxlength: 100 });
  const passphrase = passphraseFields(ctx, 'setup.passphrase');
  const alert = alertBox();
  const submit = h(
    'button',
    { type: 'submit', class: 'primary' },
    ctx.t(joining ? 'setup.submitJoin' : 'setup.submitCreate'),
  );
  const status = h('p', { class: 'hint', role: 'status' });

  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    invite?.el,
    field(ctx.t('setup.displayName'), name, ctx.t('setup.displayNameHint')),
    passphrase.el,
    alert.el,
    submit,
    status,
  );
  // What was wrong goes away as soon as she types again (a stale "too weak" beside a strong meter misleads).
  form.addEventListener('input', () => alert.clear());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const code = invite?.code() ?? null;
    if (invite && !code) return alert.show(ctx.t('join.badCode'));
    const problem = passphrase.problem();
    if (problem) return alert.show(problem);
    void runBusy(submit, alert, ctx, async () => {
      status.textContent = ctx.t('setup.working');
      try {
        await ctx.session.create(passphrase.value(), name.value.trim() || undefined, { language: currentLanguage() });
        if (!code) return ctx.navigate({ name: 'new-group' });
        const { groupId } = await ctx.session.client.join(code, invite?.introduction(), invite?.groupHash());
        ctx.pendingInviteCode = null;
        ctx.pendingGroupHash = null;
        ctx.navigate({ name: 'waiting', groupId });
      } finally {
        status.textContent = '';
      }
    });
  });

  return {
    el: h(
      'section',
      { class: 'screen setup' },
      screenHeader(ctx, ctx.t(joining ? 'setup.titleJoin' : 'setup.titleCreate'), { name: 'welcome' }),
      // An invite link opens here first: her language is one tap away, not behind Back
      // (starting fresh comes from the first screen, which has the picker already).
      joining ? languagePicker(ctx) : null,
      h('p', { class: 'lead' }, ctx.t('setup.intro')),
      form,
    ),
  };
};
