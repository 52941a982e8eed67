// The roster as this client verified it: the signed commits from the genesis
// and the state after each one. Nothing here comes from the server's word:
// a commit enters only if it verifies against the state before it (P4).
import {
  applyCommit,
  applyGenesis,
  commitHash,
  decodeCommit,
  type Role,
  type RosterState,
  type SignedCommit,
} from '../../shared/protocol/roster';

export class RosterChain {
  private former: { length: number; members: Map<string, Role> } | null = null;

  private constructor(
    readonly commits: SignedCommit[],
    private readonly states: RosterState[],
  ) {}

  /** Verifies a whole chain from its genesis (throws RosterError). */
  static verify(commits: readonly SignedCommit[]): RosterChain {
    if (commits.length === 0) throw new Error('empty roster chain');
    const states = [applyGenesis(commits[0]!)];
    for (const c of commits.slice(1)) states.push(applyCommit(states[states.length - 1]!, c));
    return new RosterChain([...commits], states);
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
    return this.states[this.states.length - 1]!;
  }

  /** Verifies and appends the next commit (throws RosterError and changes nothing if it does not verify). */
  append(commit: SignedCommit): RosterState {
    const next = applyCommit(this.current, commit);
    this.commits.push(commit);
    this.states.push(next);
    return next;
  }

  /** The state right after the commit with this hash (what an epoch envelope names). */
  atHead(head: string): RosterState | undefined {
    return this.states.find((s) => s.head === head);
  }

  /** The head this chain verified at a sequence, if it reaches that far. */
  headAt(seq: number): string | undefined {
    return this.states.find((s) => s.seq === seq)?.head;
  }

  /**
   * The roster that governs messages of an epoch: the last state with that
   * epoch. This SDK starts a new epoch with every commit it makes, so the
   * roster is fixed within an epoch.
   */
  atEpoch(epoch: number): RosterState | undefined {
    for (let i = this.states.length - 1; i >= 0; i--) if (this.states[i]!.epoch === epoch) return this.states[i];
    return undefined;
  }

  /**
   * Whether someone left the roster (removed by an admin, or gone on her own)
   * once epoch `epoch` had begun: a commit that removed a member and started a
   * later epoch, or removed one within that epoch. A device gone since then
   * may hold that epoch's keys, so nothing new may be sealed in it (P5).
   */
  removedSince(epoch: number): boolean {
    for (let i = 1; i < this.states.length; i++) {
      const before = this.states[i - 1]!;
      const after = this.states[i]!;
      if (after.epoch <= epoch && before.epoch < epoch) continue;
      if ([...before.members.keys()].some((d) => !after.members.has(d))) return true;
    }
    return false;
  }

  /**
   * Devices that were members once and are not now, each with the role it
   * last had: their earlier messages still name them (the app shows the name
   * they had). Computed once per chain length.
   */
  formerMembers(): Map<string, Role> {
    if (this.former?.length === this.states.length) return this.former.members;
    const members = new Map<string, Role>();
    for (let i = 1; i < this.states.length; i++) {
      const after = this.states[i]!;
      for (const [device, m] of this.states[i - 1]!.members)
        if (!after.members.has(device)) members.set(device, m.role);
    }
    for (const device of this.current.members.keys()) members.delete(device);
    this.former = { length: this.states.length, members };
    return members;
  }

  /** Who signed the commit that last took this device out of the roster (she herself: she left); null if it is in it or never was. */
  removedBy(deviceId: string): string | null {
    if (this.current.members.has(deviceId)) return null;
    for (let i = this.states.length - 1; i > 0; i--)
      if (this.states[i - 1]!.members.has(deviceId)) return decodeCommit(this.commits[i]!).author;
    return null;
  }

  /** The epoch in which this device was (last) added. */
  joinEpoch(deviceId: string): number {
    for (let i = this.states.length - 1; i >= 0; i--) {
      const before = this.states[i - 1];
      if (this.states[i]!.members.has(deviceId) && !before?.members.has(deviceId)) return this.states[i]!.epoch;
    }
    return Number.MAX_SAFE_INTEGER;
  }
}
