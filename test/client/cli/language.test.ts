// The CLI's language: the web app's catalogue, picked from the environment.
import { afterEach, describe, expect, it } from 'vitest';
import { deliveryWarnings } from '../../../client/cli/delivery-warnings';
import { cliLanguage, useCliLanguage } from '../../../client/cli/language';
import type { GroupView } from '../../../client/sdk/client-api';
import { setLanguage } from '../../../client/web/i18n';
import { en } from '../../../client/web/i18n/en';
import { ko } from '../../../client/web/i18n/ko';

afterEach(() => setLanguage('ko'));

describe('the CLI language', () => {
  it('is Korean when MINDEULLE_LANG or a Korean locale asks for it, English otherwise', () => {
    expect(cliLanguage({ MINDEULLE_LANG: 'ko' })).toBe('ko');
    expect(cliLanguage({ MINDEULLE_LANG: 'EN', LANG: 'ko_KR.UTF-8' })).toBe('en');
    expect(cliLanguage({ LANG: 'ko_KR.UTF-8' })).toBe('ko');
    expect(cliLanguage({ LC_ALL: 'ko', LANG: 'en_US.UTF-8' })).toBe('ko');
    expect(cliLanguage({ MINDEULLE_LANG: 'xx', LANG: 'C.UTF-8' })).toBe('en');
    expect(cliLanguage({})).toBe('en');
  });

  it("stays English for the web app's other languages (the CLI is for admins and scripts)", () => {
    expect(cliLanguage({ LANG: 'ru_RU.UTF-8' })).toBe('en');
    expect(cliLanguage({ MINDEULLE_LANG: 'th' })).toBe('en');
  });

  it('says a fork and a member hidden from her in the catalogue words of that language', () => {
    const group = {
      fork: true,
      openGaps: [{ epoch: 2, sender: 'alice-device-id', missing: 1, hidden: true }],
      members: [{ deviceId: 'alice-device-id', role: 'member', displayName: 'Alice' }],
    };
    for (const [env, catalogue] of [
      [{ MINDEULLE_LANG: 'ko' }, ko],
      [{}, en],
    ] as const) {
      useCliLanguage(env);
      expect(deliveryWarnings(group as unknown as GroupView)).toEqual([
        catalogue['warn.fork'],
        catalogue['warn.hiddenMember'].replace('{name}', 'Alice'),
      ]);
    }
  });
});
