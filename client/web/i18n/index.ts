// Every string the app shows comes from a catalogue: one file per language.
// ko.ts defines the keys; every other catalogue must have exactly the same
// keys (the type checks it, and test/client/web/i18n.test.ts checks the
// placeholders too). A new language is one file plus its lines in catalogues.ts.
// A text with {count} takes the form Intl.PluralRules picks for the number
// (the catalogue's text is the "other" form; PLURALS holds the others).
// The list of languages lives in catalogues.ts (no DOM there).
import { CATALOGUES, DEFAULT_LANGUAGE, type Language, PLURALS } from './catalogues';
import { type Catalogue, ko, type MessageKey, type PluralForms } from './ko';

export { CATALOGUES, DEFAULT_LANGUAGE, LANGUAGES, languageFromBrowser, PLURALS } from './catalogues';
export type { Catalogue, Language, MessageKey, PluralForms };
export type Params = Record<string, string | number>;

let current: Language = DEFAULT_LANGUAGE;

export function setLanguage(language: Language): void {
  current = language;
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}

export const currentLanguage = () => current;

export const hasMessage = (key: string): key is MessageKey => Object.hasOwn(ko, key);

/** The text for a key in the current language, with {name} placeholders filled. */
export function t(key: MessageKey, params?: Params): string {
  const text: string = pluralForm(key, params?.count) ?? CATALOGUES[current][key] ?? ko[key];
  return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
}

function pluralForm(key: MessageKey, count: unknown): string | undefined {
  const forms = PLURALS[current][key];
  if (!forms || typeof count !== 'number') return undefined;
  return forms[new Intl.PluralRules(current).select(count)];
}

/** Number and date formatting in the current language. */
export const formatDateTime = (ms: number) =>
  new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(ms));
export const formatTime = (ms: number) =>
  new Intl.DateTimeFormat(current, { hour: 'numeric', minute: '2-digit' }).format(new Date(ms));
/** A day, written out in the current language: "2026년 12월 4일 금요일", "Friday, December 4, 2026". */
export const formatDay = (ms: number) => new Intl.DateTimeFormat(current, { dateStyle: 'full' }).format(new Date(ms));
/** The local calendar day of a time, as YYYY-MM-DD (two times on the same day share it). */
export function dayKey(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
/** The time alone for today, the date and time for an earlier (or later) day. */
export const formatWhen = (ms: number, now = Date.now()) =>
  dayKey(ms) === dayKey(now) ? formatTime(ms) : formatDateTime(ms);
