// Catch-up for one group: roster commits (verified one by one), then the
// epoch envelopes addressed to this device, then messages from the last
// sequence read, then the pinned set. Callers hold the group's lock.
import type { RosterError } from '../../shared/protocol/roster';
import { type GroupSummary, ROSTER_PAGE } from '../../shared/schemas/groups';
import { messagePages } from './message-pages';
import type { Core } from './core';
import type { ClientEvent, MessageEvent } from './events';
import { expireEpochs, openEnvelopes } from './epochs';
import { doorOf } from './consent';
import { GroupState } from './group-state';
import { deliverySnapshot, emitDeliveryChanges, recheckHeadClaims } from './delivery-check';
import { receiveStored } from './receive';
import { type RelayApi, RelayError } from './relay-api';
import { RosterChain } from './roster-chain';
import type { Identity } from './identity';
import { receiveUrgent } from './urgent-help';
import { reportStaleKeys } from './stale-key';

const PAGE = 200;

export interface SyncResult {
  /** epochs opened by this sync */
  opened: number[];
}

export function rosterEvent(_core: Core, state: GroupState): ClientEvent {
  const members = [...state.chain.current.members].map(([deviceId, m]) => ({ deviceId, role: m.role }));
  return {
    type: 'roster',
    groupId: state.groupId,
    valid: state.rosterValid,
    members,
    removedSelf: state.record.removed,
  };
}

function markRemoved(core: Core, state: GroupState): void {
  if (state.record.removed) return;
  state.record.removed = true;
  core.emit(rosterEvent(core, state));
}

/**
 * The roster commits after `after`, every page of them: the relay answers at
 * most ROSTER_PAGE per request, and a group that grew one approval at a time
 * (plus its rotations) passes that; with only the first page a newcomer would
 * not find herself in the chain, and a device long away would stop short.
 */
async function rosterAfter(core: Core, groupId: string, after: number) {
  const all: Awaited<ReturnType<RelayApi['roster']>> = [];
  for (;;) {
    const page = await core.session.call((api) => api.roster(groupId, after));
    all.push(...page);
    const last = page[page.length - 1]?.seq;
    if (page.length < ROSTER_PAGE || last === undefined || last <= after) return all;
    after = last;
  }
}

async function syncRoster(core: Core, state: GroupState): Promise<void> {
  const entries = await rosterAfter(core, state.groupId, state.chain.current.seq);
  let changed = false;
  for (const { commit } of entries) {
    try {
      state.chain.append(commit);
      changed = true;
    } catch (e) {
      // An unsigned or broken commit is never applied; the group is flagged and stays at the last verified state.
      state.record.rosterProblem = `roster chain: ${(e as RosterError).code ?? 'invalid'}`;
      core.emit(rosterEvent(core, state));
      return;
    }
  }
  if (!state.chain.current.members.has(core.identity.deviceId)) markRemoved(core, state);
  else if (changed) core.emit(rosterEvent(core, state));
}

async function syncEnvelopes(core: Core, state: GroupState): Promise<number[]> {
  const envelopes = await core.session.call((api) => api.envelopes(state.groupId, state.latestEpoch));
  const sealed = envelopes.filter((e) => e.groupId === state.groupId).sort((a, b) => a.epoch - b.epoch);
  const stale: number[] = [];
  const opened = openEnvelopes(
    state,
    core.identity,
    sealed.map((e) => e.sealed),
    core.now(),
    stale,
  );
  await reportStaleKeys(core, state, stale, opened);
  return opened;
}

/** Reads new messages only (e.g. up to a post just acked). */
export async function syncMessages(core: Core, state: GroupState): Promise<void> {
  const joinEpoch = state.chain.joinEpoch(core.identity.deviceId);
  const before = deliverySnapshot(state);
  // The cursor is local: rows that do not authenticate never move lastSeq, but a page of them must not loop.
  // The next page is on its way while this one is decrypted (message-pages.ts); after a new
  // login (an expired session) the pages go on from the last one read.
  let after = state.record.lastSeq;
  await core.session.call(async (api) => {
    for await (const page of messagePages(api, state.groupId, after, PAGE)) {
      const events = readAll(state, page.messages, joinEpoch, core.identity);
      await state.save(core.store);
      events.forEach((e) => core.emit(e));
      after = Math.max(after, ...page.messages.map((m) => m.seq));
    }
  });
  emitDeliveryChanges(core, state, before);
}

/** Reads stored messages into the state; returns the events to emit once the state is saved. */
export function readAll(
  state: GroupState,
  messages: Parameters<typeof receiveStored>[1][],
  joinEpoch: number,
  identity?: Identity,
): ClientEvent[] {
  const events: ClientEvent[] = [];
  // In sequence order whatever order they came in (a forged row first must not hide the rest).
  for (const m of [...messages].sort((a, b) => a.seq - b.seq)) {
    const r = receiveStored(state, m, joinEpoch);
    if (!r) continue;
    if (r.keep) state.addToHistory(r.event as MessageEvent);
    // an urgent request shows only where it opens (a facilitator, an admin, the requester); elsewhere nothing
    if (r.event.type === 'message' && r.event.content.type === 'urgent-help') {
      const urgent = identity && receiveUrgent(state, identity, r.event);
      if (urgent) events.push(urgent);
      continue;
    }
    events.push(r.event);
  }
  return events;
}

async function syncPinned(core: Core, state: GroupState): Promise<void> {
  const pinned = new Set((await core.session.call((api) => api.pinned(state.groupId))).map((m) => m.seq));
  state.setPinned(pinned, true, true);
}

const isGone = (e: unknown) => e instanceof RelayError && (e.code === 'not_member' || e.code === 'group_not_found');

/**
 * Brings one group up to date. A device that is no longer a member is marked
 * removed and reads nothing more; what it read stays (read-only) and still
 * expires with the group's retention.
 */
export async function syncGroup(core: Core, state: GroupState): Promise<SyncResult> {
  if (state.record.removed) {
    state.expireHistory(core.now());
    await state.save(core.store);
    return { opened: [] };
  }
  let opened: number[] = [];
  try {
    await syncRoster(core, state);
    recheckHeadClaims(state);
    if (!state.record.removed) {
      opened = await syncEnvelopes(core, state);
      await syncMessages(core, state);
      await syncPinned(core, state);
    }
  } catch (e) {
    if (!isGone(e)) throw e;
    markRemoved(core, state);
  }
  expireEpochs(state, core.now());
  state.expireHistory(core.now());
  await state.save(core.store);
  return { opened };
}

/** A group this device was added to: its whole chain, verified from the genesis. */
export async function discoverGroup(core: Core, groupId: string): Promise<GroupState | null> {
  const entries = await rosterAfter(core, groupId, -1);
  let chain: RosterChain;
  try {
    chain = RosterChain.verify(entries.map((e) => e.commit));
  } catch {
    return null; // a chain that does not verify from its genesis is no group of ours
  }
  if (!chain.current.members.has(core.identity.deviceId)) return null;
  const door = await doorOf(core, groupId, chain);
  if (!door) return null; // her invite link named another group: nothing of this one is kept
  const state = GroupState.create(groupId, chain, door);
  await state.save(core.store);
  if (door.consent === 'invited') core.emit({ type: 'invitation', groupId });
  return state;
}

/** Flags the roster when the server's summary claims more than the verified chain holds (P4). */
export function compareSummary(core: Core, state: GroupState, summary: GroupSummary): void {
  const current = state.chain.current;
  const me = current.members.get(core.identity.deviceId);
  const disagrees =
    summary.rosterSeq > current.seq ||
    (summary.rosterSeq === current.seq && (summary.epoch !== current.epoch || summary.role !== me?.role));
  if (disagrees && state.rosterValid) {
    state.record.rosterProblem = 'the server reports a roster the signed chain does not support';
    core.emit(rosterEvent(core, state));
  }
}
