import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseSettings } from '../../../client/web/storage/app-settings';

describe('app settings', () => {
  it('fall back to defaults for anything missing or malformed', () => {
    expect(parseSettings(null)).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings({ language: 'xx', lockMinutes: 7, notifications: 'yes', drafts: { a: 1, b: 'hi' } })).toEqual({
      ...DEFAULT_SETTINGS,
      drafts: { b: 'hi' },
    });
    expect(parseSettings({ language: 'en', lockMinutes: 15, notifications: true, drafts: {} })).toEqual({
      language: 'en',
      lockMinutes: 15,
      notifications: true,
      drafts: {},
      verified: {},
      duressSet: false,
    });
    expect(parseSettings({ duressSet: true }).duressSet).toBe(true);
  });

  it('keep verified marks, and load settings stored before marks existed without any', () => {
    expect(parseSettings({ verified: { dev1: '12345', dev2: 7 } }).verified).toEqual({ dev1: '12345' });
    expect(parseSettings({ language: 'ko', lockMinutes: 5, notifications: false, drafts: {} }).verified).toEqual({});
  });
});
