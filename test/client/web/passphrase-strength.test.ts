import { describe, expect, it } from 'vitest';
import { acceptablePassphrase, passphraseStrength } from '../../../client/web/core/passphrase-strength';

describe('passphrase strength', () => {
  it('grades by length and the alphabets used', () => {
    expect(passphraseStrength('short').level).toBe('too-short');
    expect(passphraseStrength('aaaaaaaaaa').level).toBe('weak');
    expect(passphraseStrength('abc12345').level).toBe('weak');
    expect(passphraseStrength('tulip7rose').level).toBe('fair');
    expect(passphraseStrength('correct horse battery staple').level).toBe('strong');
    expect(passphraseStrength('민들레 홀씨 되어 날아가').level).toBe('strong');
  });

  it('gives little credit for well-known words and sequences', () => {
    expect(passphraseStrength('password1234').bits).toBeLessThan(passphraseStrength('pxsqwvrd7391').bits);
    expect(acceptablePassphrase('password1234')).toBe(false);
  });

  it('treats composed and decomposed Hangul alike', () => {
    const composed = '민들레 홀씨 되어';
    expect(passphraseStrength(composed.normalize('NFD'))).toEqual(passphraseStrength(composed));
  });
});
