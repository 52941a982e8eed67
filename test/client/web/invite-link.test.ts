import { describe, expect, it } from 'vitest';
import {
  canonicalInviteCode,
  inviteCodeFromFragment,
  inviteLink,
  parseInvite,
} from '../../../client/web/core/invite-link';
import { cryptoReady } from '../../../shared/crypto/sodium';
import { generateInviteCode } from '../../../shared/protocol/invite-code';

describe('invite links', () => {
  it('carry the code in the fragment only, and read back', async () => {
    await cryptoReady();
    const code = generateInviteCode();
    const url = new URL(inviteLink('https://relay.example', code));
    expect(url.pathname).toBe('/');
    expect(url.search).toBe('');
    expect(inviteCodeFromFragment(url.hash)).toBe(code);
  });

  it('accept a typed code in any case, with look-alikes and spaces, or a pasted link', async () => {
    await cryptoReady();
    const code = generateInviteCode();
    expect(canonicalInviteCode(` ${code.toLowerCase().replace(/-/g, ' ')} `)).toBe(code);
    expect(canonicalInviteCode(inviteLink('https://relay.example', code))).toBe(code);
    expect(canonicalInviteCode(code.replace(/0/g, 'O').replace(/1/g, 'l'))).toBe(code);
  });

  it('reject what cannot be a code', () => {
    expect(canonicalInviteCode('1234')).toBeNull();
    expect(inviteCodeFromFragment('#other=1')).toBeNull();
    expect(inviteCodeFromFragment('')).toBeNull();
  });

  it("carry the group's genesis hash beside the code, in the fragment only; a typed code has none", async () => {
    await cryptoReady();
    const code = generateInviteCode();
    const hash = 'h'.repeat(43);
    const url = new URL(inviteLink('https://relay.example', code, hash));
    expect(url.pathname + url.search).toBe('/');
    expect(parseInvite(url.href)).toEqual({ code, groupHash: hash });
    expect(parseInvite(` ${code} `)).toEqual({ code, groupHash: null });
    expect(parseInvite(`https://relay.example/#join=${code}&g=short`)).toBeNull(); // a damaged link is not read as a bare code
  });
});
