// Every language has every key, with the same placeholders: a key missing in
// one catalogue (or a {name} dropped in translation) fails here.
import { describe, expect, it } from 'vitest';
import {
  CATALOGUES,
  currentLanguage,
  formatDateTime,
  LANGUAGES,
  languageFromBrowser,
  PLURALS,
  setLanguage,
  t,
} from '../../../client/web/i18n';
import { noticeText } from '../../../client/web/core/push-notice';
import { ko } from '../../../client/web/i18n/ko';
import { ERROR_CODES } from '../../../shared/schemas/errors';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** What is wrong with a catalogue compared with Korean: missing or extra keys, empty texts, other placeholders. */
function catalogueProblems(catalogue: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const [key, text] of Object.entries(ko)) {
    if (!Object.hasOwn(catalogue, key)) problems.push(`missing ${key}`);
    else if (!catalogue[key]?.trim()) problems.push(`empty ${key}`);
    else if (placeholders(catalogue[key]).join() !== placeholders(text).join()) problems.push(`placeholders ${key}`);
  }
  for (const key of Object.keys(catalogue)) if (!Object.hasOwn(ko, key)) problems.push(`extra ${key}`);
  return problems;
}

describe('catalogues', () => {
  it('Korean is the default, and English, Vietnamese, Thai, Filipino, Russian and Simplified Chinese are there', () => {
    expect(LANGUAGES[0]).toBe('ko');
    expect([...LANGUAGES].sort()).toEqual(['en', 'fil', 'ko', 'ru', 'th', 'vi', 'zh-Hans']);
  });

  for (const language of LANGUAGES) {
    const catalogue: Record<string, string> = CATALOGUES[language];
    it(`${language} has exactly the keys of ko, no empty text and the same placeholders as ko`, () => {
      expect(Object.keys(catalogue).sort()).toEqual(Object.keys(ko).sort());
      expect(catalogueProblems(catalogue), language).toEqual([]);
    });
  }

  it('the check fails a catalogue with a missing key, an extra key, an empty text or a dropped placeholder', () => {
    const { 'chat.send': _dropped, ...missing } = CATALOGUES.th;
    expect(catalogueProblems(missing)).toEqual(['missing chat.send']);
    expect(catalogueProblems({ ...CATALOGUES.ru, 'chat.sendd': 'x' })).toEqual(['extra chat.sendd']);
    expect(catalogueProblems({ ...CATALOGUES.vi, 'chat.send': ' ' })).toEqual(['empty chat.send']);
    expect(catalogueProblems({ ...CATALOGUES.fil, 'invite.hours': 'oras' })).toEqual(['placeholders invite.hours']);
  });

  it('error texts exist only for codes the relay really returns (or "generic" and "offline")', () => {
    const errorKeys = Object.keys(ko)
      .filter((k) => k.startsWith('error.'))
      .map((k) => k.slice('error.'.length));
    const known = new Set<string>([...ERROR_CODES, 'generic', 'offline']);
    expect(errorKeys.filter((k) => !known.has(k))).toEqual([]);
  });

  it('fills placeholders and follows the chosen language', () => {
    setLanguage('en');
    expect(t('groups.unread', { count: 3 })).toBe('3 unread messages');
    setLanguage('ko');
    expect(t('groups.unread', { count: 3 })).toBe('읽지 않은 메시지 3개');
  });

  it('counts take the plural form of the language (Intl.PluralRules): "1 hour", "2 hours"; Korean does not change', () => {
    setLanguage('en');
    expect(t('invite.hours', { count: 1 })).toBe('1 hour');
    expect(t('invite.hours', { count: 2 })).toBe('2 hours');
    expect(t('settings.minutes', { count: 1 })).toBe('after 1 minute without use');
    expect(t('groups.unread', { count: 1 })).toBe('1 unread message');
    expect(t('requests.cleared', { count: 0 })).toBe('Rejected 0 requests.');
    setLanguage('ko');
    expect(t('invite.hours', { count: 1 })).toBe('1시간');
    expect(t('invite.hours', { count: 2 })).toBe('2시간');
  });

  it('every English text with {count} has its singular, with the same placeholders', () => {
    for (const [key, text] of Object.entries(CATALOGUES.en)) {
      if (!placeholders(text).includes('count')) continue;
      const one = PLURALS.en[key as keyof typeof ko]?.one;
      expect(one, key).toBeTruthy();
      expect(placeholders(one!), key).toEqual(placeholders(text));
    }
  });

  it('Russian counts take their one, few and many forms: 1 час, 3 часа, 5 часов, 21 час', () => {
    setLanguage('ru');
    expect([1, 3, 5, 21, 0].map((count) => t('invite.hours', { count }))).toEqual([
      '1 час',
      '3 часа',
      '5 часов',
      '21 час',
      '0 часов',
    ]);
    expect(t('groups.unread', { count: 2 })).toBe('2 непрочитанных сообщения');
    setLanguage('ko');
  });

  it('every Russian text with {count} has its one and few forms, with the same placeholders', () => {
    for (const [key, text] of Object.entries(CATALOGUES.ru)) {
      if (!placeholders(text).includes('count')) continue;
      for (const form of ['one', 'few'] as const) {
        const other = PLURALS.ru[key as keyof typeof ko]?.[form];
        expect(other, `${key} ${form}`).toBeTruthy();
        expect(placeholders(other!), key).toEqual(placeholders(text));
      }
    }
  });

  it('dates are written in the chosen language, and the page language is the BCP 47 tag', () => {
    const friday = new Date(2026, 11, 4, 15, 30).getTime();
    setLanguage('ru');
    expect(formatDateTime(friday)).toMatch(/дек/);
    setLanguage('zh-Hans');
    expect(currentLanguage()).toBe('zh-Hans');
    expect(formatDateTime(friday)).toMatch(/12月4日/);
    setLanguage('th');
    expect(formatDateTime(friday)).toMatch(/ธ\.ค\./);
    setLanguage('ko');
  });

  it("a first visit follows the browser's first language the app speaks, Korean otherwise", () => {
    expect(languageFromBrowser(['th-TH', 'en-US'])).toBe('th');
    expect(languageFromBrowser(['de-DE', 'ru-RU', 'en'])).toBe('ru');
    expect(languageFromBrowser(['zh-CN'])).toBe('zh-Hans');
    expect(languageFromBrowser(['zh-Hans-SG'])).toBe('zh-Hans');
    expect(languageFromBrowser(['zh-TW', 'vi'])).toBe('vi');
    expect(languageFromBrowser(['tl-PH'])).toBe('fil');
    expect(languageFromBrowser(['fil'])).toBe('fil');
    expect(languageFromBrowser(['de-DE', 'fr'])).toBe('ko');
    expect(languageFromBrowser([])).toBe('ko');
  });

  it("the notification is the fixed catalogue text in the phone's language, under the title 메모 in every language", () => {
    expect(noticeText(['th-TH'])).toEqual({ title: '메모', body: CATALOGUES.th['notify.body'] });
    expect(noticeText(['ru-RU', 'en'])).toEqual({ title: '메모', body: CATALOGUES.ru['notify.body'] });
    expect(noticeText(['de-DE'])).toEqual({ title: ko['notify.title'], body: ko['notify.body'] });
    for (const language of LANGUAGES) expect(CATALOGUES[language]['notify.title']).toBe('메모');
  });

  it('the notification text names nobody and quotes nothing (it takes no parameters)', () => {
    for (const language of LANGUAGES) {
      expect(placeholders(CATALOGUES[language]['notify.title'] + CATALOGUES[language]['notify.body'])).toEqual([]);
    }
  });
});
