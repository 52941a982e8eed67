// The roster as this client verified it: the signed commits from the genesis
// and the state after each one. Nothing here comes from the server's word:
// a commit enters only if it verifies against the state before it (P4).
//
// States are kept compactly: a group grown one approval per commit has one
// state per member, and a full member map per state is O(n^2) (5,000 members:
// 12.5 million entries, hundreds of MiB on a phone). Each state keeps only the
// members its commit touched, with a full map every SNAPSHOT_EVERY states and
// for the current one; an older state is rebuilt on demand from the snapshot
// before it (and the last few rebuilt are remembered).
import {
  applyCommit,
  applyGenesis,
  commitHash,
  decodeCommit,
  type Member,
  type Role,
  type RosterState,
  type SignedCommit,
} from '../../shared/protocol/roster';

/** A full member map every this many states. */
const SNAPSHOT_EVERY = 64;
/** Older states rebuilt from a snapshot that are remembered. */
const REBUILT_KEPT = 8;

/** A state without its members, and the members its commit changed (before and after; absent = not a member). */
interface StateMark {
  seq: number;
  head: string;
  epoch: number;
  settings: RosterState['settings'];
  changed: ReadonlyMap<string, Change>;
}

type Change = { was?: Member; now?: Member };

/** The members a commit names, as they were before it (read before the commit is applied). */
function changesBefore(before: RosterState | undefined, commit: SignedCommit): Map<string, Change> {
  const changed = new Map<string, Change>();
  for (const op of decodeCommit(commit).ops) {
    if (op.op === 'settings' || changed.has(op.device)) continue;
    const was = before?.members.get(op.device);
    changed.set(op.device, was ? { was } : {});
  }
  return changed;
}

function markOf(changed: Map<string, Change>, after: RosterState): StateMark {
  for (const [device, c] of changed) {
    const now = after.members.get(device);
    if (now) c.now = now;
  }
  return { seq: after.seq, head: after.head, epoch: after.epoch, settings: after.settings, changed };
}

const removed = (c: Change) => c.was !== undefined && c.now === undefined;
const added = (c: Change) => c.was === undefined && c.now !== undefined;

export class RosterChain {
  private former: { length: number; members: Map<string, Role> } | null = null;
  private readonly marks: StateMark[] = [];
  /** full states: every SNAPSHOT_EVERY-th (by index) */
  private readonly snapshots = new Map<number, RosterState>();
  private readonly rebuilt = new Map<number, RosterState>();
  private last: RosterState;

  private constructor(
    readonly commits: SignedCommit[],
    genesis: RosterState,
  ) {
    this.last = genesis;
    this.keep(changesBefore(undefined, commits[0]!), genesis);
  }

  /**
   * Verifies a whole chain from its genesis (throws RosterError). The walk
   * applies every commit to one member map (see applyCommit): a commit that
   * fails throws the whole walk away, and the kept states are copies.
   */
  static verify(commits: readonly SignedCommit[]): RosterChain {
    if (commits.length === 0) throw new Error('empty roster chain');
    const chain = new RosterChain([commits[0]!], applyGenesis(commits[0]!));
    const walk = new Map(chain.last.members);
    for (const c of commits.slice(1)) {
      const before = chain.last;
      const changed = changesBefore(before, c);
      chain.commits.push(c);
      chain.keep(changed, applyCommit(before, c, walk), true);
    }
    return chain;
  }

  /** Keeps a verified state; `shared` when its member map is the walk's, changed by the next commit. */
  private keep(changed: Map<string, Change>, after: RosterState, shared = false): void {
    const index = this.marks.length;
    this.marks.push(markOf(changed, after));
    if (index % SNAPSHOT_EVERY === 0)
      this.snapshots.set(index, shared ? { ...after, members: new Map(after.members) } : after);
    // the state just replaced is the one most often asked for next (the previous epoch's roster)
    else if (!shared && index > 0) this.remember(index - 1, this.last);
    this.last = after;
  }

  /** The state after commit `index`, rebuilt from the snapshot at or before it. */
  private stateAt(index: number): RosterState {
    if (index === this.marks.length - 1) return this.last;
    const kept = this.snapshots.get(index) ?? this.rebuilt.get(index);
    if (kept) return kept;
    const from = index - (index % SNAPSHOT_EVERY);
    const members = new Map(this.snapshots.get(from)!.members);
    for (let i = from + 1; i <= index; i++)
      for (const [device, c] of this.marks[i]!.changed)
        if (c.now) members.set(device, c.now);
        else members.delete(device);
    const { seq, head, epoch, settings } = this.marks[index]!;
    const state: RosterState = { group: this.last.group, seq, head, epoch, members, settings };
    this.remember(index, state);
    return state;
  }

  private remember(index: number, state: RosterState): void {
    if (this.snapshots.has(index)) return;
    if (this.rebuilt.size >= REBUILT_KEPT) this.rebuilt.delete(this.rebuilt.keys().next().value!);
    this.rebuilt.set(index, state);
  }

  /** The hash of the genesis commit: what an invite link carries to name the group (P13). */
  get genesisHash(): string {
    return commitHash(this.commits[0]!);
  }

  /** The device that created the group (the genesis author). */
  get founder(): string {
    return decodeCommit(this.commits[0]!).author;
  }

  get current(): RosterState {
    return this.last;
  }

  /** Verifies and appends the next commit (throws RosterError and changes nothing if it does not verify). */
  append(commit: SignedCommit): RosterState {
    const before = this.last;
    const changed = changesBefore(before, commit);
    const next = applyCommit(before, commit);
    this.commits.push(commit);
    this.keep(changed, next);
    return next;
  }

  /** The state right after the commit with this hash (what an epoch envelope names). */
  atHead(head: string): RosterState | undefined {
    const index = this.marks.findIndex((m) => m.head === head);
    return index < 0 ? undefined : this.stateAt(index);
  }

  /** The head this chain verified at a sequence, if it reaches that far. */
  headAt(seq: number): string | undefined {
    return this.marks.find((m) => m.seq === seq)?.head;
  }

  /**
   * The roster that governs messages of an epoch: the last state with that
   * epoch. This SDK starts a new epoch with every commit it makes, so the
   * roster is fixed within an epoch.
   */
  atEpoch(epoch: number): RosterState | undefined {
    for (let i = this.marks.length - 1; i >= 0; i--) if (this.marks[i]!.epoch === epoch) return this.stateAt(i);
    return undefined;
  }

  /**
   * Whether someone left the roster (removed by an admin, or gone on her own)
   * once epoch `epoch` had begun: a commit that removed a member and started a
   * later epoch, or removed one within that epoch. A device gone since then
   * may hold that epoch's keys, so nothing new may be sealed in it (P5).
   */
  removedSince(epoch: number): boolean {
    for (let i = 1; i < this.marks.length; i++) {
      const after = this.marks[i]!;
      if (after.epoch <= epoch && this.marks[i - 1]!.epoch < epoch) continue;
      if ([...after.changed.values()].some(removed)) return true;
    }
    return false;
  }

  /**
   * Devices that were members once and are not now, each with the role it
   * last had: their earlier messages still name them (the app shows the name
   * they had). Computed once per chain length.
   */
  formerMembers(): Map<string, Role> {
    if (this.former?.length === this.marks.length) return this.former.members;
    const members = new Map<string, Role>();
    for (let i = 1; i < this.marks.length; i++)
      for (const [device, c] of this.marks[i]!.changed) if (removed(c)) members.set(device, c.was!.role);
    for (const device of this.current.members.keys()) members.delete(device);
    this.former = { length: this.marks.length, members };
    return members;
  }

  /** Who signed the commit that last took this device out of the roster (she herself: she left); null if it is in it or never was. */
  removedBy(deviceId: string): string | null {
    if (this.current.members.has(deviceId)) return null;
    for (let i = this.marks.length - 1; i > 0; i--) {
      const c = this.marks[i]!.changed.get(deviceId);
      if (c && removed(c)) return decodeCommit(this.commits[i]!).author;
    }
    return null;
  }

  /** The epoch in which this device was (last) added. */
  joinEpoch(deviceId: string): number {
    for (let i = this.marks.length - 1; i >= 0; i--) {
      const c = this.marks[i]!.changed.get(deviceId);
      if (c && added(c)) return this.marks[i]!.epoch;
    }
    return Number.MAX_SAFE_INTEGER;
  }
}
