// Every language has every key, with the same placeholders: a key missing in
// one catalogue (or a {name} dropped in translation) fails here.
import { describe, expect, it } from 'vitest';
import { CATALOGUES, LANGUAGES, PLURALS, t, setLanguage } from '../../../client/web/i18n';
import { ko } from '../../../client/web/i18n/ko';
import { ERROR_CODES } from '../../../shared/schemas/errors';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('catalogues', () => {
  it('Korean is the default and English is there', () => {
    expect(LANGUAGES[0]).toBe('ko');
    expect(LANGUAGES).toContain('en');
  });

  for (const language of LANGUAGES) {
    const catalogue: Record<string, string> = CATALOGUES[language];
    it(`${language} has exactly the keys of ko`, () => {
      expect(Object.keys(catalogue).sort()).toEqual(Object.keys(ko).sort());
    });

    it(`${language} has no empty text and the same placeholders as ko`, () => {
      for (const [key, text] of Object.entries(ko)) {
        expect(catalogue[key]?.trim(), `${language}:${key}`).toBeTruthy();
        expect(placeholders(catalogue[key]!), `${language}:${key}`).toEqual(placeholders(text));
      }
    });
  }

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

  it('the notification text names nobody and quotes nothing (it takes no parameters)', () => {
    for (const language of LANGUAGES) {
      expect(placeholders(CATALOGUES[language]['notify.title'] + CATALOGUES[language]['notify.body'])).toEqual([]);
    }
  });
});
