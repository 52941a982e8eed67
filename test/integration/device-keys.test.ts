// Key-exchange key rotation (post-compromise healing starts here): a device
// publishes a newer X25519 key signed by its identity; the relay refuses an
// older version and a key that another identity signed, and changes nothing.
import { describe, expect, it } from 'vitest';
import { generateDeviceKeys, rotateKx, signKx } from '../../shared/protocol/device';
import { toB64 } from '../../shared/crypto/encoding';
import { TestDevice } from '../support/api-client';
import { useServer } from '../support/fixtures';
import { expectError, expectOk } from '../support/http';

const server = useServer();

function kxBody(keys: ReturnType<typeof generateDeviceKeys>) {
  return { kxPk: toB64(keys.kxPk), kxVersion: keys.kxVersion, kxSig: toB64(signKx(keys)) };
}

describe('key-exchange key rotation', () => {
  it('publishes the new key to other devices, with a higher version', async () => {
    const device = await TestDevice.create(server.current);
    const peer = await TestDevice.create(server.current);
    const rotated = rotateKx(device.keys);
    const answer = expectOk(await device.req('PUT', '/v1/devices/me/kx', kxBody(rotated)));
    expect(answer).toMatchObject({ deviceId: device.id, kxPk: toB64(rotated.kxPk), kxVersion: 2 });
    const seen = expectOk(await peer.req('GET', `/v1/devices/${device.id}`));
    expect(seen).toMatchObject({ kxPk: toB64(rotated.kxPk), kxVersion: 2, kxSig: answer.kxSig });
  });

  it('refuses a version that is not higher with kx_version_stale, and keeps the current key', async () => {
    const device = await TestDevice.create(server.current);
    const v2 = rotateKx(device.keys);
    expectOk(await device.req('PUT', '/v1/devices/me/kx', kxBody(v2)));
    const replayedOld = kxBody(device.keys); // version 1, validly signed: a replay of the old key
    expectError(await device.req('PUT', '/v1/devices/me/kx', replayedOld), 409, 'kx_version_stale');
    const otherV2 = rotateKx(device.keys); // another key, also version 2
    expectError(await device.req('PUT', '/v1/devices/me/kx', kxBody(otherV2)), 409, 'kx_version_stale');
    expect(expectOk(await device.req('GET', `/v1/devices/${device.id}`))).toMatchObject({
      kxPk: toB64(v2.kxPk),
      kxVersion: 2,
    });
  });

  it('refuses a key signed by another identity with bad_key_signature, and keeps the current key', async () => {
    const device = await TestDevice.create(server.current);
    const stranger = generateDeviceKeys();
    const forged = {
      ...kxBody(rotateKx(device.keys)),
      kxSig: toB64(signKx({ ...rotateKx(device.keys), signSk: stranger.signSk })),
    };
    expectError(await device.req('PUT', '/v1/devices/me/kx', forged), 400, 'bad_key_signature');
    expect(expectOk(await device.req('GET', `/v1/devices/${device.id}`))).toMatchObject({
      kxPk: toB64(device.keys.kxPk),
      kxVersion: 1,
    });
  });

  it('needs a session', async () => {
    const device = await TestDevice.create(server.current);
    expectError(await device.anon('PUT', '/v1/devices/me/kx', kxBody(rotateKx(device.keys))), 401, 'unauthenticated');
  });
});
