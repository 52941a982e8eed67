// A new passphrase typed twice, with its strength shown as it is typed.
import { acceptablePassphrase, MIN_PASSPHRASE_CHARS, passphraseStrength } from '../core/passphrase-strength';
import type { AppContext } from './context';
import { field, h } from './dom';

export interface PassphraseFields {
  el: HTMLElement;
  value(): string;
  /** null when usable, else what is wrong */
  problem(): string | null;
  /** Empties both fields and the meter (after a save). */
  reset(): void;
}

export function passphraseFields(
  ctx: AppContext,
  labelKey: 'setup.passphrase' | 'settings.duressPassphrase' | 'settings.newPassphrase',
  /** its own label where two such pairs share a screen (Settings: duress, new passphrase) */
  confirmKey: 'setup.passphraseConfirm' | 'settings.newPassphraseConfirm' = 'setup.passphraseConfirm',
): PassphraseFields {
  const input = h('input', { type: 'password', name: 'passphrase', autocomplete: 'new-password', required: true });
  const confirm = h('input', {
    type: 'password',
    name: 'passphrase-confirm',
    autocomplete: 'new-password',
    required: true,
  });
  const bar = h('span', { class: 'strength-bar' });
  const text = h('span', { class: 'strength-text' });
  const meter = h(
    'div',
    { class: 'strength', 'data-level': 'too-short', 'aria-live': 'polite' },
    h('span', { class: 'strength-track', 'aria-hidden': 'true' }, bar),
    text,
  );

  const update = () => {
    const { level } = passphraseStrength(input.value);
    meter.dataset.level = level;
    text.textContent = ctx.t('strength.label', { level: ctx.t(`strength.${level}`) });
  };
  input.addEventListener('input', update);
  update();

  return {
    el: h(
      'div',
      { class: 'passphrase-fields' },
      field(ctx.t(labelKey), input, ctx.t('setup.passphraseHint', { min: MIN_PASSPHRASE_CHARS })),
      meter,
      field(ctx.t(confirmKey), confirm),
    ),
    value: () => input.value,
    reset: () => {
      input.value = confirm.value = '';
      update();
    },
    problem: () => {
      if (!acceptablePassphrase(input.value)) return ctx.t('setup.tooWeak');
      if (input.value !== confirm.value) return ctx.t('setup.mismatch');
      return null;
    },
  };
}
