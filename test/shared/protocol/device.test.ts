import { beforeAll, describe, expect, it } from 'vitest';
import { toB64 } from '../../../shared/crypto/encoding';
import { cryptoReady } from '../../../shared/crypto/sodium';
import {
  DEVICE_ID_BYTES,
  deviceIdFromSignPk,
  devicePublic,
  generateDeviceKeys,
  ownDeviceId,
  rotateKx,
  verifyDevicePublic,
} from '../../../shared/protocol/device';

beforeAll(cryptoReady);

describe('device identity', () => {
  it('derives a stable 24-byte id from the signing key', () => {
    const d = generateDeviceKeys();
    const id = deviceIdFromSignPk(d.signPk);
    expect(id).toBe(deviceIdFromSignPk(d.signPk.slice()));
    expect(id).toHaveLength(Math.ceil((DEVICE_ID_BYTES * 4) / 3));
    expect(id).not.toBe(deviceIdFromSignPk(generateDeviceKeys().signPk));
  });

  it("remembers a device's own id, and derives it again when the key array is changed in place", () => {
    const d = generateDeviceKeys();
    expect(ownDeviceId(d)).toBe(deviceIdFromSignPk(d.signPk));
    const other = generateDeviceKeys();
    d.signPk.set(other.signPk);
    expect(ownDeviceId(d)).toBe(deviceIdFromSignPk(other.signPk));
  });

  it('publishes a record that verifies', () => {
    const d = generateDeviceKeys();
    expect(verifyDevicePublic(devicePublic(d))).toBe(true);
    expect(verifyDevicePublic(devicePublic(rotateKx(d)))).toBe(true);
  });

  it('rejects a swapped key-exchange key', () => {
    const d = devicePublic(generateDeviceKeys());
    const e = devicePublic(generateDeviceKeys());
    expect(verifyDevicePublic({ ...d, kxPk: e.kxPk })).toBe(false);
    expect(verifyDevicePublic({ ...d, kxPk: e.kxPk, kxSig: e.kxSig })).toBe(false);
  });

  it('rejects a replayed older key after rotation (the version is signed)', () => {
    const d = generateDeviceKeys();
    const old = devicePublic(d);
    const rotated = devicePublic(rotateKx(d));
    expect(rotated.kxVersion).toBe(old.kxVersion + 1);
    expect(verifyDevicePublic({ ...old, kxVersion: rotated.kxVersion })).toBe(false);
    expect(verifyDevicePublic({ ...rotated, kxPk: old.kxPk })).toBe(false);
  });

  it('rejects a version that would alias a signed one in the 32-bit encoding', () => {
    const d = devicePublic(generateDeviceKeys());
    for (const kxVersion of [2 ** 32 + 1, 1.5, 1 + 1e-12, 0, -1, Number.NaN])
      expect(verifyDevicePublic({ ...d, kxVersion })).toBe(false);
  });

  it('rejects a wrong device id, a foreign identity and malformed fields', () => {
    const d = devicePublic(generateDeviceKeys());
    const e = devicePublic(generateDeviceKeys());
    expect(verifyDevicePublic({ ...d, deviceId: e.deviceId })).toBe(false);
    expect(verifyDevicePublic({ ...d, signPk: e.signPk })).toBe(false);
    expect(verifyDevicePublic({ ...d, signPk: e.signPk, deviceId: e.deviceId })).toBe(false);
    expect(verifyDevicePublic({ ...d, kxPk: toB64(new Uint8Array(31)) })).toBe(false);
    expect(verifyDevicePublic({ ...d, kxSig: 'not base64!' })).toBe(false);
    expect(verifyDevicePublic({ ...d, kxSig: toB64(new Uint8Array(64)) })).toBe(false);
  });

  it('a record that verified once (its result remembered) still fails with any one field changed', () => {
    const keys = generateDeviceKeys();
    const pub = devicePublic(keys);
    const other = devicePublic(generateDeviceKeys());
    expect(verifyDevicePublic(pub)).toBe(true);
    expect(verifyDevicePublic(pub)).toBe(true);
    for (const field of ['deviceId', 'signPk', 'kxPk', 'kxSig'] as const)
      expect(verifyDevicePublic({ ...pub, [field]: other[field] }), field).toBe(false);
    expect(verifyDevicePublic({ ...pub, kxVersion: pub.kxVersion + 1 })).toBe(false);
    expect(verifyDevicePublic({ ...pub, kxVersion: String(pub.kxVersion) as unknown as number })).toBe(false);
  });
});
