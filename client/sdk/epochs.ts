// Epoch secrets in and out. An admin who starts an epoch draws a fresh secret
// and seals it to every member of the verified roster at that member's current
// X25519 key; every device opens the envelopes addressed to it against the
// roster state the envelope names, derives the epoch's chains and forgets the
// secret (PROTOCOL.md sections 6 and 7). Old epochs are forgotten after a grace period.
import { fromB64, toB64 } from '../../shared/crypto/encoding';
import { devicePublic, type DevicePublic, verifyDevicePublic } from '../../shared/protocol/device';
import {
  newEpochSecret,
  openEpochEnvelope,
  peekEpochEnvelope,
  sealEpochSecret,
  verifyEpochEnvelope,
} from '../../shared/protocol/epoch-envelope';
import { openEpoch } from '../../shared/protocol/epoch-keys';
import { memzero } from '../../shared/crypto/primitives';
import type { GroupState } from './group-state';
import type { Identity } from './identity';
import { RelayError } from './relay-api';
import type { Session } from './session';
import { sealedToRetiredKey } from './stale-key';

/** A replaced epoch's keys are deleted this long after the next epoch opened (late messages of the old one still read). */
export const EPOCH_GRACE_MS = 3 * 24 * 3600 * 1000;
/** An admin starts a new epoch after this long, or after this many messages (P8). */
export const EPOCH_MAX_AGE_MS = 7 * 24 * 3600 * 1000;
export const EPOCH_MAX_MESSAGES = 1000;

/**
 * Opens the envelopes addressed to this device for epochs newer than the ones
 * it holds; returns the epochs opened. An admin's envelope sealed to a key
 * this device had retired before its epoch began is not opened: its epoch
 * goes into `stale` (stale-key.ts reports it).
 */
export function openEnvelopes(
  state: GroupState,
  identity: Identity,
  sealed: string[],
  now: number,
  stale: number[] = [],
): number[] {
  const opened: number[] = [];
  for (const text of sealed) {
    try {
      const bytes = fromB64(text);
      const fields = peekEpochEnvelope(bytes);
      // Never reopen an epoch that was held and dropped (forward secrecy), nor one already held.
      if (fields.epoch <= state.latestEpoch) continue;
      const roster = state.chain.atHead(fields.commitHash);
      if (roster && sealedToRetiredKey(state, fields.kxVersion, fields.epoch)) {
        // Verified first (signed by an admin of that roster), so a forgery cannot raise the alarm.
        verifyEpochEnvelope(bytes, {
          roster,
          recipientSignPk: identity.keys.signPk,
          expected: { group: state.groupId },
        });
        stale.push(fields.epoch);
        continue;
      }
      const recipient = identity.keysFor(fields.kxVersion);
      if (!roster || !recipient) continue;
      const secret = openEpochEnvelope(bytes, { roster, recipient, expected: { group: state.groupId } });
      state.setEpochKeys(openEpoch(secret, roster, identity.deviceId), now);
      opened.push(fields.epoch);
    } catch {
      // a malformed, forged or misaddressed envelope is ignored: it gives no key
    }
  }
  return opened;
}

/**
 * A member's record as the server handed it out, checked against the verified
 * roster (P4): it verifies, carries the roster's signing key, and its key
 * version is not lower than this client has seen. Null when any check fails.
 */
function checkedMemberKey(
  state: GroupState,
  identity: Identity,
  deviceId: string,
  pub: DevicePublic | null | undefined,
): DevicePublic | null {
  if (deviceId === identity.deviceId) return devicePublic(identity.keys);
  const member = state.chain.current.members.get(deviceId);
  const seen = state.record.kxSeen[deviceId] ?? 0;
  if (!pub || pub.deviceId !== deviceId || !member || !verifyDevicePublic(pub)) return null;
  if (pub.signPk !== member.signPk || pub.kxVersion < seen) return null;
  state.record.kxSeen[deviceId] = pub.kxVersion;
  return pub;
}

/** A member's public keys as the server hands them out, checked against the verified roster (P4). */
export async function memberKeys(
  session: Session,
  state: GroupState,
  identity: Identity,
  deviceId: string,
): Promise<DevicePublic | null> {
  if (deviceId === identity.deviceId) return devicePublic(identity.keys);
  const pub = await session.call((api) => api.device(deviceId)).catch(() => null);
  return checkedMemberKey(state, identity, deviceId, pub);
}

/**
 * The keys of the members `ids`, each checked as memberKeys does, fetched in one
 * request (GET /v1/groups/{groupId}/devices) instead of one per member: a
 * group of 1,000 made 1,000 requests per roster change. A relay without that
 * route is asked member by member.
 */
export async function membersKeys(
  session: Session,
  state: GroupState,
  identity: Identity,
  ids: readonly string[],
): Promise<(DevicePublic | null)[]> {
  let records: DevicePublic[];
  try {
    records = await session.call((api) => api.groupDevices(state.groupId));
  } catch (e) {
    if (!(e instanceof RelayError && e.code === 'route_not_found')) throw e;
    return Promise.all(ids.map((id) => memberKeys(session, state, identity, id)));
  }
  // One record per device: a relay that sends two for one device gets neither used.
  const byId = new Map<string, DevicePublic | null>();
  for (const r of records) byId.set(r.deviceId, byId.has(r.deviceId) ? null : r);
  return ids.map((id) => checkedMemberKey(state, identity, id, byId.get(id)));
}

/**
 * Starts the epoch of the roster's current state (its commit is already
 * appended): seals a fresh secret to every member whose key verifies, uploads
 * the envelopes and opens the epoch here. A member whose key does not verify
 * gets nothing and the roster is flagged.
 */
export async function startEpoch(
  session: Session,
  state: GroupState,
  identity: Identity,
  now: number,
  openHere = true,
): Promise<void> {
  const roster = state.chain.current;
  const secret = newEpochSecret();
  const ids = [...roster.members.keys()];
  const keys = await membersKeys(session, state, identity, ids);
  const envelopes: { recipient: string; sealed: string }[] = [];
  ids.forEach((id, i) => {
    const pub = keys[i];
    if (!pub) {
      state.record.rosterProblem ??= 'a member key is not signed by its identity';
      return;
    }
    envelopes.push({
      recipient: id,
      sealed: toB64(sealEpochSecret({ secret, roster, admin: identity.keys, recipient: pub })),
    });
  });
  // Uploaded before any message of the epoch exists, so a member never sees a message before its key.
  await session.call((api) => api.uploadEnvelopes(state.groupId, roster.epoch, envelopes));
  // Not opened here when another admin may have sealed the epoch first: the caller takes the envelope the relay kept.
  if (openHere) state.setEpochKeys(openEpoch(secret, roster, identity.deviceId), now);
  else memzero(secret);
}

/** Forgets epochs older than the newest once the newest has been open for the grace period. */
export function expireEpochs(state: GroupState, now: number): void {
  const latest = state.latestEpoch;
  const openedAt = state.record.epochs[latest]?.openedAt ?? now;
  if (now - openedAt < EPOCH_GRACE_MS) return;
  for (const e of [...state.keys.keys()]) if (e < latest) state.dropEpoch(e);
}

/** Whether an admin should start a new epoch now (weekly, or after 1,000 messages). */
export function epochDue(state: GroupState, now: number): boolean {
  const info = state.record.epochs[state.latestEpoch];
  if (!info || state.latestEpoch !== state.chain.current.epoch) return false;
  return now - info.openedAt >= EPOCH_MAX_AGE_MS || info.messages >= EPOCH_MAX_MESSAGES;
}
