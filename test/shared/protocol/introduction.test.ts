// Introductions are bound to the device that asks to join: they open only in
// that request's context and verify only with that device's key.
import { beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, toB64, utf8 } from '../../../shared/crypto/encoding';
import { cryptoReady } from '../../../shared/crypto/sodium';
import { sealAdminNote } from '../../../shared/protocol/admin-note';
import { type DeviceKeys, devicePublic, generateDeviceKeys } from '../../../shared/protocol/device';
import {
  type IntroductionBinding,
  introductionContext,
  openIntroduction,
  sealIntroduction,
  signIntroduction,
} from '../../../shared/protocol/introduction';
import { idOf } from './fixtures';

let admin: DeviceKeys;
let her: DeviceKeys;
let other: DeviceKeys;
beforeAll(async () => {
  await cryptoReady();
  [admin, her, other] = [generateDeviceKeys(), generateDeviceKeys(), generateDeviceKeys()];
});

const request = { groupId: 'g'.repeat(22), inviteId: 'i'.repeat(22) };
const bindingOf = (keys: DeviceKeys): IntroductionBinding => ({
  ...request,
  deviceId: idOf(keys),
  signPk: toB64(keys.signPk),
});
const open = (bytes: Uint8Array, binding: IntroductionBinding) =>
  openIntroduction(bytes, binding, idOf(admin), (v) => (v === admin.kxVersion ? admin : undefined));

describe('introductions', () => {
  it('open for the device that wrote them', () => {
    const sealed = sealIntroduction('저는 지원센터에서 왔어요', request, her, [devicePublic(admin)]);
    expect(open(sealed, bindingOf(her))).toBe('저는 지원센터에서 왔어요');
  });

  it('do not open on another device’s request, nor under another invite', () => {
    const sealed = sealIntroduction('hello', request, her, [devicePublic(admin)]);
    expect(() => open(sealed, bindingOf(other))).toThrow(expect.objectContaining({ code: 'wrong_key' }));
    expect(() => open(sealed, { ...bindingOf(her), inviteId: 'j'.repeat(22) })).toThrow(
      expect.objectContaining({ code: 'wrong_key' }),
    );
  });

  it('are refused when sealed for a device but not signed by it', () => {
    // anyone with the admins' public keys can seal a note in her context; only she can sign
    const forgedSig = new Uint8Array(64);
    const forged = sealAdminNote(
      concatBytes(new Uint8Array([1]), forgedSig, utf8('hello')),
      [devicePublic(admin)],
      introductionContext(bindingOf(her)),
    );
    expect(() => open(forged, bindingOf(her))).toThrow(expect.objectContaining({ code: 'bad_signature' }));
    // her signed words re-sealed in another device's context (by a server that learnt them) do not verify there
    const resealed = sealAdminNote(
      signIntroduction('hello', bindingOf(her), her.signSk),
      [devicePublic(admin)],
      introductionContext(bindingOf(other)),
    );
    expect(() => open(resealed, bindingOf(other))).toThrow(expect.objectContaining({ code: 'bad_signature' }));
  });

  it('are refused in another layout version or under a device id that is not its key’s', () => {
    const future = sealAdminNote(
      concatBytes(new Uint8Array([2]), new Uint8Array(64), utf8('hello')),
      [devicePublic(admin)],
      introductionContext(bindingOf(her)),
    );
    expect(() => open(future, bindingOf(her))).toThrow(expect.objectContaining({ code: 'malformed' }));
    const sealed = sealIntroduction('hello', request, her, [devicePublic(admin)]);
    expect(() => open(sealed, { ...bindingOf(her), deviceId: idOf(other) })).toThrow(
      expect.objectContaining({ code: 'wrong_device' }),
    );
  });
});
