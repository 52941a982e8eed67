// A rough strength estimate for the passphrase field: length times the size of
// the character pools used, minus credit for repeats and common sequences.
// Only a guide for the person typing; the real protection is Argon2id.
export type StrengthLevel = 'too-short' | 'weak' | 'fair' | 'strong';

export const MIN_PASSPHRASE_CHARS = 8;
const FAIR_BITS = 40;
const STRONG_BITS = 64;

const POOLS: { test: RegExp; size: number }[] = [
  { test: /[a-z]/, size: 26 },
  { test: /[A-Z]/, size: 26 },
  { test: /[0-9]/, size: 10 },
  { test: /[\s!-/:-@[-`{-~]/, size: 33 },
  // Hangul syllables and jamo: a large alphabet, counted conservatively.
  { test: /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]/, size: 2000 },
  { test: /[^\x00-\x7f\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]/, size: 100 },
];

const COMMON = [
  'password',
  'passwort',
  'qwerty',
  'asdf',
  'zxcv',
  'abcd',
  '1234',
  '0000',
  '1111',
  'iloveyou',
  '사랑해',
  '비밀번호',
];

export function passphraseStrength(passphrase: string): { level: StrengthLevel; bits: number } {
  const chars = [...passphrase.normalize('NFC')];
  if (chars.length < MIN_PASSPHRASE_CHARS) return { level: 'too-short', bits: 0 };
  const pool = POOLS.reduce((sum, p) => (p.test.test(passphrase) ? sum + p.size : sum), 0);
  // Each repeated character adds little; count distinct ones fully and repeats at a quarter.
  const distinct = new Set(chars).size;
  let effective = distinct + (chars.length - distinct) / 4;
  const lower = passphrase.toLowerCase();
  for (const word of COMMON) if (lower.includes(word)) effective -= [...word].length - 1;
  const bits = Math.max(0, Math.round(effective * Math.log2(Math.max(pool, 2))));
  return { level: bits >= STRONG_BITS ? 'strong' : bits >= FAIR_BITS ? 'fair' : 'weak', bits };
}

/** Whether a new passphrase may be used. */
export const acceptablePassphrase = (passphrase: string) => {
  const { level } = passphraseStrength(passphrase);
  return level === 'fair' || level === 'strong';
};
