import { beforeAll, describe, expect, it } from 'vitest';
import { fromUtf8, utf8 } from '../../../shared/crypto/encoding';
import { cryptoReady } from '../../../shared/crypto/sodium';
import { openAdminNote, sealAdminNote } from '../../../shared/protocol/admin-note';
import { type DeviceKeys, devicePublic, generateDeviceKeys, rotateKx } from '../../../shared/protocol/device';
import { idOf } from './fixtures';

let a: DeviceKeys;
let b: DeviceKeys;
let outsider: DeviceKeys;
beforeAll(async () => {
  await cryptoReady();
  [a, b, outsider] = [generateDeviceKeys(), generateDeviceKeys(), generateDeviceKeys()];
});

const open = (bytes: Uint8Array, keys: DeviceKeys, context = 'invite-label:g') =>
  fromUtf8(openAdminNote(bytes, context, idOf(keys), (v) => (v === keys.kxVersion ? keys : undefined)));

describe('admin notes', () => {
  it('every recipient opens it; nobody else does', () => {
    const note = sealAdminNote(utf8('상담소 A'), [devicePublic(a), devicePublic(b)], 'invite-label:g');
    expect(open(note, a)).toBe('상담소 A');
    expect(open(note, b)).toBe('상담소 A');
    expect(() => open(note, outsider)).toThrow(expect.objectContaining({ code: 'not_for_me' }));
  });

  it('is bound to its context, and any flipped bit is refused', () => {
    const note = sealAdminNote(utf8('intro'), [devicePublic(a)], 'introduction:g:i');
    expect(() => open(note, a, 'introduction:g:other')).toThrow(expect.objectContaining({ code: 'wrong_key' }));
    for (let i = 0; i < note.length; i += 7) {
      const bad = note.slice();
      bad[i]! ^= 1;
      expect(() => open(bad, a, 'introduction:g:i')).toThrow();
    }
  });

  it('opens with the key version it was sealed to, and refuses an unsigned key', () => {
    const note = sealAdminNote(utf8('x'), [devicePublic(a)], 'c');
    const rotated = rotateKx(a);
    expect(() => open(note, rotated, 'c')).toThrow(expect.objectContaining({ code: 'wrong_key' }));
    const forged = { ...devicePublic(a), kxPk: devicePublic(outsider).kxPk };
    expect(() => sealAdminNote(utf8('x'), [forged], 'c')).toThrow(expect.objectContaining({ code: 'bad_recipient' }));
  });
});
