import { beforeAll, describe, expect, it } from 'vitest';
import { cryptoReady } from '../../../shared/crypto/sodium';
import {
  formatInviteCode,
  generateInviteCode,
  INVITE_CODE_CHARS,
  inviteCodeHash,
  normalizeInviteCode,
} from '../../../shared/protocol/invite-code';

beforeAll(cryptoReady);

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const FORMAT = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){6}$/;

describe('invite codes', () => {
  it('are 28 Crockford characters (140 bits) in seven groups of four', () => {
    expect(INVITE_CODE_CHARS * Math.log2(CROCKFORD.length)).toBe(140);
    for (let i = 0; i < 200; i++) expect(generateInviteCode()).toMatch(FORMAT);
  });

  it('use every symbol in every position over many codes (no stuck bits)', () => {
    const seen = Array.from({ length: INVITE_CODE_CHARS }, () => new Set<string>());
    for (let i = 0; i < 2000; i++) {
      const chars = normalizeInviteCode(generateInviteCode())!;
      [...chars].forEach((c, j) => seen[j]!.add(c));
    }
    for (const s of seen) expect(s.size).toBe(32);
  });

  it('do not repeat', () => {
    const codes = new Set(Array.from({ length: 5000 }, generateInviteCode));
    expect(codes.size).toBe(5000);
  });

  it('normalise what people type: case, spaces, dashes and look-alikes', () => {
    const code = generateInviteCode();
    const chars = code.replace(/-/g, '');
    expect(normalizeInviteCode(code)).toBe(chars);
    expect(normalizeInviteCode(code.toLowerCase())).toBe(chars);
    expect(normalizeInviteCode(` ${code.replace(/-/g, ' ')}\n`)).toBe(chars);
    expect(normalizeInviteCode(chars)).toBe(chars);
    expect(normalizeInviteCode('O0IL-1oil-0000-0000-0000-0000-0000')).toBe(`00111011${'0'.repeat(20)}`);
  });

  it('refuse impossible codes', () => {
    const chars = normalizeInviteCode(generateInviteCode())!;
    expect(normalizeInviteCode(chars.slice(1))).toBeNull();
    expect(normalizeInviteCode(`${chars}0`)).toBeNull();
    expect(normalizeInviteCode(`U${chars.slice(1)}`)).toBeNull(); // U is not in Crockford base32
    expect(normalizeInviteCode(`*${chars.slice(1)}`)).toBeNull();
    expect(normalizeInviteCode('')).toBeNull();
  });

  it('format round-trips', () => {
    const code = generateInviteCode();
    expect(formatInviteCode(normalizeInviteCode(code)!)).toBe(code);
  });

  it('hash stably, the same for every way of typing a code, and differently for different codes', () => {
    const code = generateInviteCode();
    const h = inviteCodeHash(normalizeInviteCode(code)!);
    expect(h).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(inviteCodeHash(normalizeInviteCode(code.toLowerCase().replace(/-/g, ' '))!)).toBe(h);
    expect(inviteCodeHash(normalizeInviteCode(generateInviteCode())!)).not.toBe(h);
    // known answer, computed independently (Python hashlib.blake2b over the framed label and code),
    // so a change to the label or framing is noticed: it would orphan every stored invite
    expect(inviteCodeHash('0'.repeat(28))).toBe('RrQ2eCz1uzN6dNC7sDszLYyGCck9qrSwmiAWxPg-PhQ');
  });
});
