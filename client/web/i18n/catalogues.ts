// The languages the app speaks, without the DOM: the page (index.ts), the
// service worker's fixed notice (core/push-notice.ts) and the CLI share it.
// ko.ts defines the keys; every other catalogue has exactly the same ones.
// A new language is one file plus its lines here (and its plural table when
// its words change with the number).
import { en, enPlurals } from './en';
import { fil } from './fil';
import { type Catalogue, ko, type PluralForms } from './ko';
import { ru, ruPlurals } from './ru';
import { th } from './th';
import { vi } from './vi';
import { zhHans } from './zh-hans';

export const CATALOGUES = { ko, en, vi, th, fil, ru, 'zh-Hans': zhHans } satisfies Record<string, Catalogue>;
export type Language = keyof typeof CATALOGUES;
export const LANGUAGES = Object.keys(CATALOGUES) as Language[];
export const DEFAULT_LANGUAGE: Language = 'ko';

/**
 * Each language's other forms of a text that takes {count}, by the category
 * Intl.PluralRules picks (the catalogue holds the "other" form). Korean,
 * Vietnamese, Thai and Chinese words do not change with the number; Filipino
 * counts are written so that one form reads right for every number.
 */
export const PLURALS: Record<Language, PluralForms> = {
  ko: {},
  en: enPlurals,
  vi: {},
  th: {},
  fil: {},
  ru: ruPlurals,
  'zh-Hans': {},
};

/**
 * The first of the browser's languages (navigator.languages, most wanted
 * first) that the app speaks; Korean when none is. Chinese counts only in
 * its simplified script (zh-CN, zh-SG, zh-Hans…; not zh-TW or zh-Hant), and
 * Tagalog (tl, which some phones report) reads as Filipino.
 */
export function languageFromBrowser(languages: readonly string[]): Language {
  for (const tag of languages) {
    const parts = tag.toLowerCase().split(/[-_]/);
    const primary = parts[0];
    if (primary === 'zh') {
      const traditional = parts.some((p) => p === 'hant' || p === 'tw' || p === 'hk' || p === 'mo');
      if (!traditional) return 'zh-Hans';
      continue;
    }
    if (primary === 'tl') return 'fil';
    const match = LANGUAGES.find((l) => l === primary);
    if (match) return match;
  }
  return DEFAULT_LANGUAGE;
}
