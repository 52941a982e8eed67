// Devices and sessions: registration, challenge-response login, logout, key rotation.
import { newChallenge, newSessionToken, sessionTokenHash, verifyLogin } from '../../shared/protocol/auth';
import { verifyDevicePublic } from '../../shared/protocol/device';
import { fromB64 } from '../../shared/crypto/encoding';
import { deviceIdFromSignPk } from '../../shared/protocol/device';
import type { DevicePublicWire } from '../../shared/schemas/devices';
import { dayOf } from '../clock';
import { findDevice, insertDevice, listMemberDevices, updateKx } from '../db/repos/devices';
import { deletePushSubscription } from '../db/repos/push-subscriptions';
import {
  consumeChallenge,
  deleteDeviceSessions,
  deleteSession,
  insertChallenge,
  insertSession,
} from '../db/repos/sessions';
import type { AppDeps } from '../deps';
import { fail } from '../errors';
import { requireMember, requireRate } from './access';
import { deviceView } from './views';

type KxRecord = Pick<DevicePublicWire, 'kxPk' | 'kxVersion' | 'kxSig'>;

export async function registerDevice(deps: AppDeps, input: Omit<DevicePublicWire, 'deviceId'>) {
  const deviceId = deviceIdFromSignPk(fromB64(input.signPk));
  if (!verifyDevicePublic({ ...input, deviceId }))
    fail(400, 'bad_key_signature', 'the key-exchange key is not signed by the identity key');
  await requireRate(deps, 'register', deps.config.registrationsPerMinute, 60);
  const created = await insertDevice(deps.db, {
    id: deviceId,
    sign_pk: input.signPk,
    kx_pk: input.kxPk,
    kx_version: input.kxVersion,
    kx_sig: input.kxSig,
    created_day: dayOf(deps.clock.now()),
  });
  const row = await findDevice(deps.db, deviceId);
  return { created, device: deviceView(row!) };
}

export async function getDevice(deps: AppDeps, deviceId: string) {
  const row = await findDevice(deps.db, deviceId);
  if (!row) fail(404, 'device_not_found', 'no such device');
  return deviceView(row);
}

/** Members only: the records of everyone in the group (each client checks every one against its signed roster). */
export async function getGroupDevices(deps: AppDeps, deviceId: string, groupId: string) {
  await requireMember(deps, groupId, deviceId);
  return (await listMemberDevices(deps.db, groupId)).map(deviceView);
}

export async function rotateKx(deps: AppDeps, deviceId: string, kx: KxRecord) {
  const row = (await findDevice(deps.db, deviceId))!;
  if (!verifyDevicePublic({ deviceId, signPk: row.sign_pk, ...kx }))
    fail(400, 'bad_key_signature', 'the key-exchange key is not signed by the identity key');
  const updated = await updateKx(deps.db, deviceId, { kx_pk: kx.kxPk, kx_version: kx.kxVersion, kx_sig: kx.kxSig });
  if (!updated) fail(409, 'kx_version_stale', 'the key version must be higher than the current one');
  return getDevice(deps, deviceId);
}

export async function issueChallenge(deps: AppDeps, deviceId: string) {
  // Counted per registered device (never per address, which the relay does not see or keep):
  // unknown ids are refused first, so a flood of made-up ids creates no counters and no rows.
  if (!(await findDevice(deps.db, deviceId))) fail(404, 'device_not_found', 'no such device');
  await requireRate(deps, `challenge:${deviceId}`, deps.config.loginChallengesPerMinute, 60);
  const challenge = newChallenge();
  const expiresAt = deps.clock.now() + deps.config.challengeTtlSeconds;
  await insertChallenge(deps.db, sessionTokenHash(challenge), deviceId, expiresAt);
  return { challenge, expiresAt };
}

export async function login(deps: AppDeps, input: { deviceId: string; challenge: string; signature: string }) {
  const device = await findDevice(deps.db, input.deviceId);
  if (!device) fail(404, 'device_not_found', 'no such device');
  // The challenge is consumed before the signature is checked: one try per challenge.
  if (!(await consumeChallenge(deps.db, sessionTokenHash(input.challenge), input.deviceId, deps.clock.now())))
    fail(401, 'challenge_invalid', 'the challenge is unknown, used or expired');
  if (!verifyLogin(input.deviceId, input.challenge, input.signature, fromB64(device.sign_pk)))
    fail(401, 'login_signature_invalid', 'the signature does not verify');
  const token = newSessionToken();
  const expiresAt = deps.clock.now() + deps.config.sessionTtlSeconds;
  await insertSession(deps.db, sessionTokenHash(token), input.deviceId, expiresAt);
  return { token, deviceId: input.deviceId, expiresAt };
}

/** Ends this session; the device's push endpoint goes with it (the app subscribes again at its next login if asked). */
export async function logout(deps: AppDeps, deviceId: string, token: string): Promise<void> {
  await deleteSession(deps.db, sessionTokenHash(token), deletePushSubscription(deps.db, deviceId));
  deps.hub.sessionsEnded?.(deviceId); // its sockets close now
}

export async function logoutEverywhere(deps: AppDeps, deviceId: string): Promise<number> {
  const revoked = await deleteDeviceSessions(deps.db, deviceId, deletePushSubscription(deps.db, deviceId));
  deps.hub.sessionsEnded?.(deviceId);
  return revoked;
}
