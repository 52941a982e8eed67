// Consent at the door (P13). A group enters this device as a member's group
// only if she asked to join it: join() leaves a `joining/<groupId>` record,
// and a group the server lists without one is an invitation she accepts or
// declines, to which nothing is sent meanwhile. The invite link's genesis
// hash names the group, so a chain that starts elsewhere is refused. And she
// can leave: a commit of her own, after which an admin's client seals the new
// epoch to the members who stay.
import { decodeCommit, isLeave, RosterError } from '../../shared/protocol/roster';
import { signNextCommit } from './admin';
import { type Core, requireGroup } from './core';
import { openEnvelopes, startEpoch } from './epochs';
import { ClientError } from './errors';
import { dropHeld } from './held';
import type { GroupConsent, GroupState } from './group-state';
import { RelayError } from './relay-api';
import type { RosterChain } from './roster-chain';
import { rosterEvent } from './sync';

/** What join() remembers until the group appears: her request, and the genesis hash her link named (null: a bare code). */
export interface JoiningRecord {
  requestId: string;
  inviteId: string;
  genesisHash: string | null;
  at: number;
  /** the admins the server named when she joined (their signing keys): her side of the safety numbers to compare at approval (absent in older records) */
  admins?: { deviceId: string; signPk: string }[];
}

const joiningDoc = (groupId: string) => `joining/${groupId}`;

export function joiningRecord(core: Core, groupId: string): Promise<JoiningRecord | undefined> {
  return core.store.read<JoiningRecord>(joiningDoc(groupId));
}

export async function rememberJoin(core: Core, groupId: string, record: JoiningRecord): Promise<void> {
  await core.store.write(joiningDoc(groupId), record);
}

/**
 * How a group found in the server's list enters this device: an invitation
 * when she never asked to join it, a joined group when she did, and nothing
 * at all (null, with a 'wrong-group' event) when its genesis is not the one
 * her invite link named.
 */
export async function doorOf(
  core: Core,
  groupId: string,
  chain: RosterChain,
): Promise<{ consent: GroupConsent; doorVerified: boolean } | null> {
  const joining = await joiningRecord(core, groupId);
  if (!joining) return { consent: 'invited', doorVerified: false };
  if (joining.genesisHash !== null && joining.genesisHash !== chain.genesisHash) {
    core.emit({ type: 'wrong-group', groupId });
    return null;
  }
  await core.store.remove(joiningDoc(groupId));
  return { consent: 'accepted', doorVerified: joining.genesisHash !== null };
}

/** Refuses any post (a message, a bulletin, her profile) to a group she has not accepted. */
export function requireAccepted(state: GroupState): void {
  if (state.record.consent !== 'accepted')
    throw new ClientError('not_accepted', 'this group is an invitation: accept it first');
}

const isConflict = (e: unknown) => e instanceof RelayError && e.code === 'roster_conflict';

async function submitLeave(core: Core, state: GroupState): Promise<void> {
  const me = core.identity.deviceId;
  const commit = signNextCommit(core, state, [{ op: 'remove', device: me }]); // the last admin cannot leave: fails here
  await core.session.call((api) => api.appendCommit(state.groupId, commit));
  state.chain.append(commit);
}

/** Leaves a group: her signed commit removing herself; her keys of the group are wiped. */
export async function leaveGroup(core: Core, groupId: string): Promise<void> {
  const state = requireGroup(core, groupId);
  await core.lock(groupId, async () => {
    if (state.record.removed) return;
    try {
      await submitLeave(core, state);
    } catch (e) {
      if (!isConflict(e)) throw e;
      await core.syncLocked(groupId);
      if (!state.record.removed) await submitLeave(core, state);
    }
    state.record.removed = true;
    await dropHeld(core, groupId);
    state.dropAllEpochs();
    core.transport.unfollow(groupId);
    await state.save(core.store);
    core.emit(rosterEvent(core, state));
  });
}

export async function acceptInvitation(core: Core, groupId: string): Promise<void> {
  const state = requireGroup(core, groupId);
  if (state.record.consent === 'accepted') return;
  await core.lock(groupId, async () => {
    state.record.consent = 'accepted';
    await state.save(core.store);
  });
  if (state.keys.size > 0) await core.announceSelf(state, false);
}

/**
 * Declines an invitation: she leaves (when the relay lists her, so a real
 * admin's client stops sealing to her), then everything about the group is
 * forgotten. A group the relay only pretends she is in is forgotten all the same.
 */
export async function declineInvitation(core: Core, groupId: string): Promise<void> {
  const state = requireGroup(core, groupId);
  try {
    await leaveGroup(core, groupId);
  } catch (e) {
    // Refused by the chain (RosterError) or by the relay (4xx, e.g. not_member): nothing to leave; forget it anyway.
    // Offline, or the relay failing: try again later.
    const refused = e instanceof RosterError || (e instanceof RelayError && e.status >= 400 && e.status < 500);
    if (!refused) throw e;
  }
  await core.lock(groupId, async () => {
    await state.forget(core.store);
    core.states.delete(groupId);
    core.transport.unfollow(groupId);
  });
}

/**
 * The current epoch was started by a member who left, and nobody has sealed
 * its key to this admin yet: she is to seal it to the members who stay.
 */
export function leaveEpochUnsealed(core: Core, state: GroupState): boolean {
  const cur = state.chain.current;
  if (state.record.removed || state.record.consent !== 'accepted' || state.keys.has(cur.epoch)) return false;
  if (cur.members.get(core.identity.deviceId)?.role !== 'admin') return false;
  const last = decodeCommit(state.chain.commits[state.chain.commits.length - 1]!);
  return last.epoch === cur.epoch && isLeave(last);
}

/**
 * Starts the epoch a leave opened. Two admins may race: the relay keeps the
 * first envelope per member, so each then takes the one the relay holds for
 * her, and both end up in the same epoch. Returns whether the epoch is open here.
 */
export async function sealLeaveEpoch(core: Core, state: GroupState): Promise<boolean> {
  const epoch = state.chain.current.epoch;
  const held = state.latestEpoch;
  await startEpoch(core.session, state, core.identity, core.now(), false);
  const envelopes = await core.session.call((api) => api.envelopes(state.groupId, held));
  const sealed = envelopes.filter((e) => e.groupId === state.groupId && e.epoch === epoch).map((e) => e.sealed);
  openEnvelopes(state, core.identity, sealed, core.now());
  await state.save(core.store);
  return state.keys.has(epoch);
}
