// The CLI says what a survivor must understand (a key withheld, an invitation,
// a group not verified, a fork, a moved introduction) with the web app's own
// catalogue, so both speak the same words in every language: Korean when the
// environment asks for it (MINDEULLE_LANG, or a Korean LC_ALL / LANG), else English.
// The app's other languages are for the web app only: the CLI is for admins and scripts.
import { type Language, setLanguage } from '../web/i18n';

const LANGUAGES: Language[] = ['ko', 'en'];

export function cliLanguage(env: Record<string, string | undefined>): Language {
  const chosen = env.MINDEULLE_LANG?.toLowerCase();
  if (chosen && (LANGUAGES as string[]).includes(chosen)) return chosen as Language;
  const locale = (env.LC_ALL || env.LC_MESSAGES || env.LANG || '').toLowerCase();
  const match = LANGUAGES.find(
    (l) => locale === l || locale.startsWith(`${l}_`) || locale.startsWith(`${l}-`) || locale.startsWith(`${l}.`),
  );
  return match ?? 'en';
}

/** Sets the catalogue language for this process. */
export function useCliLanguage(env: Record<string, string | undefined>): void {
  setLanguage(cliLanguage(env));
}
