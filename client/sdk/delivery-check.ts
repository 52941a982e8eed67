// Checks members make of one another through the relay, inside messages it
// cannot read (P7, P14). Every member posts an epoch-check when she opens an
// epoch or her verified roster changes: the roster head she holds and, for the
// previous epoch she held, the highest counter she read from each sender (her
// own: the highest the relay stored). A receiver who read less has an open gap
// (a hidden tail, or a member hidden from her); one who verified another head
// at that sequence learns that the relay forked the group.
import { MAX_EPOCH_CHECK_COUNTERS, type Plaintext } from '../../shared/protocol/plaintext';
import type { Core } from './core';
import { addMissing, openGaps } from './gaps';
import type { GroupState } from './group-state';

export type EpochCheck = Extract<Plaintext, { type: 'epoch-check' }>;

/** Claimed heads for sequences not verified yet are kept up to this many. */
const MAX_HEAD_CLAIMS = 32;

/** What this device posts after opening an epoch (or after its roster changed within one). */
export function buildEpochCheck(state: GroupState, self: string, sentAt: number): EpochCheck {
  const roster = state.chain.current;
  const check: EpochCheck = { type: 'epoch-check', sentAt, roster: { seq: roster.seq, head: roster.head } };
  const latest = state.latestEpoch;
  const prev = Math.max(0, ...[...state.keys.keys()].filter((e) => e < latest));
  if (prev < 1) return check;
  const counters: Record<string, number> = {};
  for (const [key, n] of Object.entries(state.record.counters)) {
    const cut = key.indexOf(':');
    if (Number(key.slice(0, cut)) === prev) counters[key.slice(cut + 1)] = n;
  }
  const own = Math.max(state.record.acked[prev] ?? -1, counters[self] ?? -1);
  if (own >= 0) counters[self] = own;
  const kept = Object.entries(counters).slice(0, MAX_EPOCH_CHECK_COUNTERS);
  return { ...check, prev: { epoch: prev, counters: Object.fromEntries(kept) } };
}

/** Reads a member's epoch-check (verified, from a member of that epoch). */
export function applyEpochCheck(state: GroupState, self: string, sender: string, check: EpochCheck): void {
  checkHead(state, check.roster.seq, check.roster.head, sender);
  const prev = check.prev;
  // Only an epoch this device held (and has not forgotten) can be compared.
  if (!prev || !state.record.epochs[prev.epoch]) return;
  const roster = state.chain.atEpoch(prev.epoch);
  for (const [device, claimed] of Object.entries(prev.counters)) {
    if (device === self || !roster?.members.has(device)) continue;
    const key = `${prev.epoch}:${device}`;
    const read = state.record.counters[key] ?? -1;
    if (claimed > read) addMissing(state.record.missing, key, read + 1, claimed);
  }
}

function checkHead(state: GroupState, seq: number, head: string, sender: string): void {
  const ours = state.chain.headAt(seq);
  if (ours === undefined) {
    const claims = state.record.headClaims;
    if (!claims.some((c) => c.seq === seq && c.head === head)) claims.push({ seq, head, sender });
    claims.splice(0, Math.max(0, claims.length - MAX_HEAD_CLAIMS));
    return;
  }
  if (ours !== head) state.record.fork ??= { seq, ours, theirs: head, sender };
}

/** After the roster advanced: heads claimed for sequences now verified are compared. */
export function recheckHeadClaims(state: GroupState): void {
  const due = state.record.headClaims.filter((c) => c.seq <= state.chain.current.seq);
  state.record.headClaims = state.record.headClaims.filter((c) => c.seq > state.chain.current.seq);
  for (const c of due) checkHead(state, c.seq, c.head, c.sender);
}

/** What changed in the delivery checks while reading: taken before, compared after. */
export interface DeliverySnapshot {
  /** the missing counters, serialised to compare */
  missing: string;
  fork: boolean;
}

export function deliverySnapshot(state: GroupState): DeliverySnapshot {
  return { missing: JSON.stringify(state.record.missing), fork: state.record.fork !== null };
}

/** Tells the app what a read changed: the open gaps (when they changed) and a fork (once). */
export function emitDeliveryChanges(core: Core, state: GroupState, before: DeliverySnapshot): void {
  if (JSON.stringify(state.record.missing) !== before.missing) {
    core.emit({ type: 'gaps', groupId: state.groupId, open: openGaps(state.record.missing, state.record.counters) });
  }
  const fork = state.record.fork;
  if (fork && !before.fork) core.emit({ type: 'fork', groupId: state.groupId, seq: fork.seq, sender: fork.sender });
}
