// Settings: language, name, auto-lock, notifications, the duress passphrase,
// changing the passphrase, lock now, and wiping this device. Each save shows
// its confirmation beside the control (and says it in the live region).
import type { Language } from '../i18n';
import { LOCK_MINUTE_CHOICES } from '../storage/app-settings';
import type { AppContext, ViewFactory } from '../ui/context';
import { field, h, select } from '../ui/dom';
import { passphraseFields } from '../ui/passphrase-fields';
import { alertBox, runBusy, savedNote, screenHeader } from '../ui/widgets';
import { languagePicker } from './language-picker';
import { passphraseChangeSection } from './passphrase-change';
import { pushSettingsSection } from './push-settings';
import { retentionSelect } from './retention';

export const settingsView: ViewFactory = (ctx) => {
  const session = ctx.session;
  const alert = alertBox();
  const nameSaved = savedNote(ctx);
  const lockSaved = savedNote(ctx);
  const notifySaved = savedNote(ctx);

  const language = languagePicker(ctx, (l: Language) => void session.updateSettings({ language: l }));

  const name = h('input', {
    name: 'display-name',
    maxlength: 100,
    autocomplete: 'off',
    value: session.client.displayName ?? '',
  });
  const saveName = h('button', { type: 'submit' }, ctx.t('settings.save'));
  const nameForm = h(
    'form',
    { class: 'stack' },
    field(ctx.t('setup.displayName'), name, ctx.t('setup.displayNameHint')),
    saveName,
    nameSaved.el,
  );
  name.addEventListener('input', () => nameSaved.clear());
  nameForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if (name.value.trim())
      void runBusy(saveName, alert, ctx, () =>
        session.client.setDisplayName(name.value.trim()).then(() => nameSaved.show(ctx.t('settings.saved'))),
      );
  });

  const lock = select(
    'lock-minutes',
    LOCK_MINUTE_CHOICES.map((m) => ({ value: m, label: ctx.t('settings.minutes', { count: m }) })),
    session.settings.lockMinutes,
  );
  lock.addEventListener(
    'change',
    () =>
      void session
        .updateSettings({ lockMinutes: Number(lock.value) })
        .then(() => lockSaved.show(ctx.t('settings.saved'))),
  );

  const notify = h('input', { type: 'checkbox', name: 'notifications', checked: session.settings.notifications });
  notify.addEventListener('change', () => {
    void (async () => {
      if (notify.checked && 'Notification' in window && Notification.permission !== 'granted')
        notify.checked = (await Notification.requestPermission()) === 'granted';
      await session.updateSettings({ notifications: notify.checked });
      notifySaved.show(ctx.t('settings.saved'));
    })();
  });

  return {
    el: h(
      'section',
      { class: 'screen settings' },
      screenHeader(ctx, ctx.t('settings.title'), { name: 'groups' }),
      alert.el,
      language,
      nameForm,
      field(ctx.t('settings.lockAfter'), lock),
      lockSaved.el,
      h('label', { class: 'check' }, notify, ctx.t('settings.notifications')),
      notifySaved.el,
      h('p', { class: 'hint' }, ctx.t('settings.notificationsHint')),
      pushSettingsSection(ctx),
      retentionSection(ctx),
      duressSection(ctx),
      passphraseChangeSection(ctx),
      h(
        'section',
        { class: 'stack' },
        h('button', { type: 'button', onclick: () => session.lock() }, ctx.t('settings.lockNow')),
      ),
      wipeSection(ctx),
    ),
  };
};

/**
 * Message retention of the groups this device administers (the same setting as
 * in each group's admin tab); hidden when she administers none.
 */
function retentionSection(ctx: AppContext): HTMLElement {
  const client = ctx.session.client;
  const alert = alertBox();
  const saved = savedNote(ctx);
  const list = h('div', { class: 'stack' });
  const section = h(
    'section',
    { hidden: true, 'aria-busy': 'true', 'data-testid': 'retention-settings' },
    h('h2', null, ctx.t('admin.retention')),
    h('p', { class: 'hint' }, ctx.t('settings.retentionHint')),
    alert.el,
    list,
    saved.el,
  );
  void client.groups().then((groups) => {
    const administered = groups.filter((x) => x.role === 'admin' && !x.invitation);
    section.hidden = administered.length === 0;
    section.removeAttribute('aria-busy');
    for (const g of administered) {
      const retention = retentionSelect(ctx, g.retentionSeconds);
      const save = h('button', { type: 'button', class: 'small' }, ctx.t('settings.save'));
      save.addEventListener('click', () =>
        runBusy(save, alert, ctx, () =>
          client
            .setSettings(g.groupId, { retentionSeconds: retention.value() })
            .then(() => saved.show(ctx.t('admin.saved'))),
        ),
      );
      list.append(h('div', { class: 'row' }, field(g.name ?? ctx.t('group.unnamed'), retention.el), save));
    }
  });
  return section;
}

function duressSection(ctx: AppContext): HTMLElement {
  const fields = passphraseFields(ctx, 'settings.duressPassphrase');
  const alert = alertBox();
  const saved = savedNote(ctx);
  // Only ever rendered while unlocked: the lock screen says nothing about it.
  const state = h('p', { class: 'duress-state', 'data-testid': 'duress-state' });
  const showState = () =>
    (state.textContent = ctx.t(ctx.session.settings.duressSet ? 'settings.duressOn' : 'settings.duressOff'));
  showState();
  const save = h('button', { type: 'submit' }, ctx.t('settings.duressSave'));
  const clear = h('button', { type: 'button', class: 'small' }, ctx.t('settings.duressClear'));
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    h('h2', { id: 'duress-title' }, ctx.t('settings.duressTitle')),
    state,
    h('p', { class: 'hint' }, ctx.t('settings.duressHint')),
    fields.el,
    alert.el,
    h('div', { class: 'actions' }, save, clear),
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
    void runBusy(save, alert, ctx, async () => {
      const result = await ctx.session.setDuress(fields.value());
      if (result === 'same-as-passphrase') return alert.show(ctx.t('settings.duressSame'));
      form.reset();
      fields.reset();
      showState();
      saved.show(ctx.t('settings.duressSet'));
    });
  });
  clear.addEventListener('click', () =>
    runBusy(clear, alert, ctx, async () => {
      await ctx.session.setDuress(null);
      showState();
      saved.show(ctx.t('settings.duressCleared'));
    }),
  );
  return form;
}

function wipeSection(ctx: AppContext): HTMLElement {
  const wipe = h('button', { type: 'button', class: 'danger' }, ctx.t('settings.wipe'));
  wipe.addEventListener('click', () => {
    if (wipe.dataset.confirm !== 'yes') {
      wipe.dataset.confirm = 'yes';
      wipe.textContent = ctx.t('settings.wipeConfirm');
      return;
    }
    void ctx.session.wipe().then(() => window.location.replace('/'));
  });
  return h(
    'section',
    { class: 'stack', 'aria-labelledby': 'wipe-title' },
    h('h2', { id: 'wipe-title' }, ctx.t('settings.wipeTitle')),
    h('p', { class: 'hint' }, ctx.t('settings.wipeHint')),
    wipe,
  );
}
