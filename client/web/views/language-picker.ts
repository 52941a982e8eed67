// The language switch, on the first screens (before any setting is unlocked)
// and in Settings. Each language is named in itself.
import { CATALOGUES, currentLanguage, type Language, LANGUAGES, setLanguage } from '../i18n';
import type { AppContext } from '../ui/context';
import { field, select } from '../ui/dom';

export function languagePicker(ctx: AppContext, onChange?: (language: Language) => void): HTMLElement {
  const control = select(
    'language',
    LANGUAGES.map((l) => ({ value: l, label: CATALOGUES[l]['language.name'] })),
    currentLanguage(),
  );
  control.addEventListener('change', () => {
    const language = control.value as Language;
    setLanguage(language);
    onChange?.(language);
    ctx.refresh();
  });
  return field(ctx.t('settings.language'), control);
}
