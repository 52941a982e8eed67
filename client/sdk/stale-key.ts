// Healing that an old key would skip (P8). After this device rotates its
// X25519 key, the server could hand an admin the record of the key she
// retired, and the next epoch would be sealed to it: a thief holding a copy
// of the old key would read on. So an envelope for an epoch started after her
// rotation, sealed to a key she had retired, is not opened: the device warns
// (a `stale-key` event; GroupView.staleKey) and asks the admins for a fresh
// epoch (POST /v1/groups/{id}/rekey -> a `rekey` frame to the admins online),
// which an admin's client starts at most once a minute per group.
import type { Core } from './core';
import type { GroupState } from './group-state';
import { changeRoster } from './admin';

/** A member repeats her request for a fresh epoch at most this often while the stale one is the newest. */
export const REKEY_ASK_MS = 10 * 60_000;
/** An admin's client starts at most one epoch per group this often on request (requests can come from anyone: the relay forwards them). */
export const REKEY_START_MS = 60_000;

/**
 * Whether an envelope for `epoch` is sealed to a key version this device had
 * already replaced when `epoch` began: after the first rotation past that
 * version (kxSince records the roster epoch current at each rotation).
 */
export function sealedToRetiredKey(state: GroupState, kxVersion: number, epoch: number): boolean {
  const since = Object.entries(state.record.kxSince)
    .filter(([version]) => Number(version) > kxVersion)
    .map(([, current]) => current);
  return since.length > 0 && epoch > Math.min(...since);
}

/** After a rotation: epochs after the current one must be sealed to this version or a newer one. */
export function recordRotation(state: GroupState, kxVersion: number): void {
  state.record.kxSince[kxVersion] = state.chain.current.epoch;
}

/**
 * After envelopes were read: a newer epoch opened clears the warning; an
 * envelope sealed to a retired key is reported once per epoch and a fresh
 * epoch is asked for (again after REKEY_ASK_MS while none comes).
 */
export async function reportStaleKeys(core: Core, state: GroupState, stale: number[], opened: number[]): Promise<void> {
  if (state.record.staleKeyEpoch !== null && opened.some((e) => e > state.record.staleKeyEpoch!))
    state.record.staleKeyEpoch = null;
  const newest = Math.max(...stale.filter((e) => e > state.latestEpoch));
  if (!Number.isFinite(newest)) return;
  if (state.record.staleKeyEpoch !== newest) {
    state.record.staleKeyEpoch = newest;
    core.emit({ type: 'stale-key', groupId: state.groupId, epoch: newest });
    state.rekeyAskedAt = 0;
  }
  if (core.now() - state.rekeyAskedAt < REKEY_ASK_MS) return;
  state.rekeyAskedAt = core.now();
  await core.session.call((api) => api.requestRekey(state.groupId)).catch(() => {}); // asked again at a later sync
}

/** An admin's client got a `rekey` frame: a fresh epoch (a commit with no operations), at most once a minute per group. */
export function onRekeyRequest(core: Core, groupId: string): void {
  const state = core.states.get(groupId);
  if (!state || state.record.removed || state.chain.current.members.get(core.identity.deviceId)?.role !== 'admin')
    return;
  if (core.now() - state.rekeyStartedAt < REKEY_START_MS) return;
  state.rekeyStartedAt = core.now();
  core.inBackground(changeRoster(core, groupId, () => []));
}
