// Everything this device keeps about one group: the verified roster chain,
// the keys of the epochs it holds, what it has read, and its decrypted
// history. Persisted through the sealed store as four kinds of documents:
// group/<id> (the record), epoch/<id>/<n> (one epoch's keys), history/<id>,
// and board/<id> (what it takes to carry a bulletin to a newcomer).
import { expireUrgent, type UrgentRecord } from './urgent-help';
import {
  exportEpochKeys,
  type EpochKeys,
  type EpochKeysJson,
  importEpochKeys,
  wipeEpochKeys,
} from '../../shared/protocol/epoch-keys';
import type { SignedCommit } from '../../shared/protocol/roster';
import type { GroupView } from './client-api';
import type { MessageEvent } from './events';
import { type MissingRanges, missingBelow, openGaps } from './gaps';
import { RosterChain } from './roster-chain';
import { waitingForKey } from './sealing-rule';
import type { DocumentStore } from './store';

/** At most this many message ids are remembered (those of dropped epochs are forgotten with them). */
const MAX_SEEN_IDS = 10_000;

export interface EpochInfo {
  openedAt: number;
  /** messages and bulletins read in this epoch (for the 1,000-message rotation) */
  messages: number;
}

export interface GroupRecord {
  v: 1;
  groupId: string;
  /** the verified chain, from the genesis */
  commits: SignedCommit[];
  name: string | null;
  lastSeq: number;
  lastReadSeq: number;
  /** read marks per tab (chat messages, bulletins); each counts from the later of it and lastReadSeq */
  lastReadByKind: Partial<Record<ReadKind, number>>;
  /** why the roster is not trusted (chain failed, the server disagrees, an unsigned key); null when valid */
  rosterProblem: string | null;
  removed: boolean;
  epochs: Record<string, EpochInfo>;
  displayNames: Record<string, string>;
  /** highest counter read per `${epoch}:${sender}` (gap detection) */
  counters: Record<string, number>;
  /** message id -> [sequence it was read at, epoch] (duplicate detection; forgotten with the epoch) */
  seen: Record<string, [number, number]>;
  /** highest X25519 key version seen per device: an older record replayed by the server is refused */
  kxSeen: Record<string, number>;
  // ---- delivery checks against a relay that hides or forges (P7, P14)
  /** counters known to be sent but not read, per `${epoch}:${sender}` (gaps.ts) */
  missing: Record<string, MissingRanges>;
  /** sequences of rows that did not authenticate, already reported once (they never move lastSeq) */
  rejectedSeqs: number[];
  /** highest counter of this device's own posts the relay acked, per epoch */
  acked: Record<string, number>;
  /** a member's epoch-check named another roster head for a sequence this device verified: the relay forked the group */
  fork: RosterFork | null;
  /** roster heads members claimed for sequences this device has not verified yet (checked once it has) */
  headClaims: HeadClaim[];
  // ---- consent at the door (P13)
  /** 'invited': the group appeared without her asking to join it; nothing is sent to it until she accepts */
  consent: GroupConsent;
  /** her invite link carried this group's genesis hash and the verified chain starts with it */
  doorVerified: boolean;
  /**
   * X25519 key version -> the roster epoch current when this device rotated to
   * it: an envelope for a later epoch sealed to an older version means the
   * server served an admin a retired key (P8).
   */
  kxSince: Record<string, number>;
  /** the newest epoch whose envelope came sealed to a retired key, until a newer epoch opens; null if none */
  staleKeyEpoch: number | null;
  /** bulletin message id -> pinned, as the last signed pin message by a facilitator or admin said (what may be carried to newcomers) */
  pins: Record<string, boolean>;
  /** urgent help requests this device could open, by message id (urgent-help.ts); absent in older records */
  urgent?: Record<string, UrgentRecord>;
}

export interface HeadClaim {
  seq: number;
  head: string;
  sender: string;
}

export interface RosterFork {
  seq: number;
  /** the head this device verified at that sequence */
  ours: string;
  /** the head the member's epoch-check named */
  theirs: string;
  sender: string;
}

/** The kinds a person reads in their own tab: each has its own unread mark. */
export type ReadKind = 'message' | 'bulletin';
export const READ_KINDS: readonly ReadKind[] = ['message', 'bulletin'];

/** Rows that did not authenticate are remembered (to report each once) up to this many. */
const MAX_REJECTED_SEQS = 256;

export type GroupConsent = 'accepted' | 'invited';

const groupDoc = (id: string) => `group/${id}`;
const epochDoc = (id: string, epoch: number) => `epoch/${id}/${epoch}`;
const historyDoc = (id: string) => `history/${id}`;
const boardDoc = (id: string) => `board/${id}`;

/**
 * A bulletin (or an edit of one) as it is carried to a newcomer
 * (PROTOCOL.md section 10): its signed inner layer and message key
 * (base64url), and the sequence it was stored at. Kept while the bulletin is
 * in the history; the key opens that one bulletin, whose text the history holds anyway.
 */
export interface BoardCopy {
  seq: number;
  inner: string;
  key: string;
  /** an edit's copy: the bulletin it changes (carried after it) */
  target?: string;
}

export class GroupState {
  readonly keys = new Map<number, EpochKeys>();
  private readonly dirtyEpochs = new Set<number>();
  private readonly droppedEpochs = new Set<number>();
  private historyDirty = false;
  private boardDirty = false;
  /** when this device last asked the admins for a fresh epoch (stale-key.ts; not stored) */
  rekeyAskedAt = 0;
  /** when this admin's client last started an epoch on a member's request (stale-key.ts; not stored) */
  rekeyStartedAt = 0;

  private constructor(
    readonly record: GroupRecord,
    public chain: RosterChain,
    readonly history: MessageEvent[],
    /** message id -> what carries that bulletin to a newcomer */
    readonly board: Record<string, BoardCopy> = {},
  ) {}

  static create(
    groupId: string,
    chain: RosterChain,
    door: { consent: GroupConsent; doorVerified: boolean } = { consent: 'accepted', doorVerified: false },
  ): GroupState {
    const record: GroupRecord = {
      v: 1,
      groupId,
      commits: chain.commits,
      name: null,
      lastSeq: 0,
      lastReadSeq: 0,
      lastReadByKind: {},
      rosterProblem: null,
      removed: false,
      epochs: {},
      displayNames: {},
      counters: {},
      seen: {},
      kxSeen: {},
      missing: {},
      rejectedSeqs: [],
      acked: {},
      fork: null,
      headClaims: [],
      consent: door.consent,
      doorVerified: door.doorVerified,
      kxSince: {},
      staleKeyEpoch: null,
      pins: {},
    };
    return new GroupState(record, chain, []);
  }

  static async load(store: DocumentStore, groupId: string): Promise<GroupState> {
    const record = (await store.read<GroupRecord>(groupDoc(groupId)))!;
    record.missing ??= {};
    record.rejectedSeqs ??= [];
    record.acked ??= {};
    record.fork ??= null;
    record.headClaims ??= [];
    record.consent ??= 'accepted';
    record.doorVerified ??= false;
    record.kxSince ??= {};
    record.staleKeyEpoch ??= null;
    record.lastReadByKind ??= {};
    record.pins ??= {};
    const state = new GroupState(
      record,
      RosterChain.verify(record.commits),
      (await store.read<MessageEvent[]>(historyDoc(groupId))) ?? [],
      (await store.read<Record<string, BoardCopy>>(boardDoc(groupId))) ?? {},
    );
    record.commits = state.chain.commits;
    for (const e of Object.keys(record.epochs).map(Number)) {
      const json = await store.read<EpochKeysJson>(epochDoc(groupId, e));
      if (json) state.keys.set(e, importEpochKeys(json));
    }
    return state;
  }

  static async groupIds(store: DocumentStore): Promise<string[]> {
    return (await store.list('group/')).map((n) => n.slice('group/'.length));
  }

  get groupId(): string {
    return this.record.groupId;
  }

  get rosterValid(): boolean {
    return this.record.rosterProblem === null;
  }

  /** She left it herself (a leave commit of her own): not kept as a read-only group, unlike a removal by an admin. */
  leftBy(self: string): boolean {
    return this.record.removed && this.chain.removedBy(self) === self;
  }

  /** The newest epoch this device holds keys for. */
  get latestEpoch(): number {
    return Math.max(0, ...this.keys.keys());
  }

  /** What an app shows: the verified roster with the names read from meta messages. */
  view(self: string, selfName: string | null): GroupView {
    const roster = this.chain.current;
    const nameOf = (id: string) => (id === self ? selfName : this.record.displayNames[id]) ?? null;
    const unreadByKind = { message: this.unread(self, 'message'), bulletin: this.unread(self, 'bulletin') };
    return {
      groupId: this.groupId,
      name: this.record.name,
      role: roster.members.get(self)?.role ?? 'member',
      epoch: roster.epoch,
      members: [...roster.members].map(([deviceId, m]) => ({ deviceId, role: m.role, displayName: nameOf(deviceId) })),
      formerMembers: [...this.chain.formerMembers()].map(([deviceId, role]) => ({
        deviceId,
        role,
        displayName: nameOf(deviceId),
      })),
      removed: this.record.removed,
      retentionSeconds: roster.settings.retentionSeconds,
      announcementOnly: roster.settings.announcementOnly,
      unread: unreadByKind.message + unreadByKind.bulletin,
      unreadByKind,
      rosterValid: this.rosterValid,
      openGaps: openGaps(this.record.missing, this.record.counters),
      fork: this.record.fork !== null,
      rosterHead: { seq: roster.seq, head: roster.head },
      invitation: this.record.consent === 'invited',
      doorVerified: this.record.doorVerified || this.chain.founder === self,
      waitingForKey: waitingForKey(this),
      staleKey: this.record.staleKeyEpoch !== null,
    };
  }

  /** The sequence up to which this kind has been read. */
  readSeq(kind: ReadKind): number {
    return Math.max(this.record.lastReadSeq, this.record.lastReadByKind[kind] ?? 0);
  }

  /** Others' messages (or bulletins) past this kind's read mark. */
  unread(self: string, kind: ReadKind): number {
    const from = this.readSeq(kind);
    return this.history.filter((e) => e.kind === kind && e.seq > from && e.sender !== self).length;
  }

  /** Marks one kind read up to what was read from the server (both kinds without one). */
  markRead(kind?: ReadKind): void {
    if (!kind) {
      this.record.lastReadSeq = this.record.lastSeq;
      this.record.lastReadByKind = {};
      return;
    }
    this.record.lastReadByKind[kind] = this.record.lastSeq;
  }

  /**
   * Applies an edit or delete to the history: only to a message of the same
   * kind written by the same sender (a relay or another member cannot rewrite
   * or remove someone else's words), and never to one already deleted. A
   * delete drops the content from the history itself (saved over the old
   * copy), leaving a neutral placeholder. Returns whether it applied.
   */
  applyChange(change: MessageEvent): boolean {
    const c = change.content;
    if (c.type !== 'edit' && c.type !== 'delete') return false;
    const target = this.history.find((e) => e.messageId === c.target);
    if (!target || target.sender !== change.sender || target.kind !== change.kind || target.deleted) return false;
    if (target.seq >= change.seq) return false;
    if (c.type === 'edit') {
      if (target.content.type !== 'text') return false;
      target.content = { ...target.content, text: c.text };
      target.edited = true;
    } else {
      target.content = { type: 'delete', target: target.messageId, sentAt: target.sentAt };
      target.deleted = true;
      delete target.edited;
      // what could carry its words to a newcomer goes with them
      this.forgetBoardCopies((id, copy) => id === target.messageId || copy.target === target.messageId);
    }
    this.historyDirty = true;
    return true;
  }

  setEpochKeys(keys: EpochKeys, now: number): void {
    this.keys.set(keys.epoch, keys);
    this.record.epochs[keys.epoch] ??= { openedAt: now, messages: 0 };
    this.dirtyEpochs.add(keys.epoch);
    this.droppedEpochs.delete(keys.epoch);
  }

  /** Wipes every epoch key this device holds for the group (after leaving it). */
  dropAllEpochs(): void {
    for (const e of [...this.keys.keys()]) this.dropEpoch(e);
  }

  /** Deletes everything stored about the group (a declined invitation). */
  async forget(store: DocumentStore): Promise<void> {
    this.dropAllEpochs();
    for (const e of this.droppedEpochs) await store.remove(epochDoc(this.groupId, e));
    this.droppedEpochs.clear();
    await store.remove(historyDoc(this.groupId));
    await store.remove(boardDoc(this.groupId));
    await store.remove(groupDoc(this.groupId));
  }

  /** Marks an epoch's chains as changed (a key was used). */
  touchEpoch(epoch: number): void {
    this.dirtyEpochs.add(epoch);
  }

  /** Forgets an epoch: wipes its keys and deletes them from the store on the next save. */
  dropEpoch(epoch: number): void {
    const keys = this.keys.get(epoch);
    if (keys) wipeEpochKeys(keys);
    this.keys.delete(epoch);
    delete this.record.epochs[epoch];
    for (const k of Object.keys(this.record.counters)) if (k.startsWith(`${epoch}:`)) delete this.record.counters[k];
    for (const k of Object.keys(this.record.missing)) if (k.startsWith(`${epoch}:`)) delete this.record.missing[k];
    delete this.record.acked[epoch];
    for (const [id, [, e]] of Object.entries(this.record.seen)) if (e === epoch) delete this.record.seen[id];
    this.dirtyEpochs.delete(epoch);
    this.droppedEpochs.add(epoch);
  }

  remember(messageId: string, seq: number, epoch: number): void {
    this.record.seen[messageId] = [seq, epoch];
  }

  /** The sequence a message id was read at, if it was. */
  seenAt(messageId: string): number | undefined {
    return this.record.seen[messageId]?.[0];
  }

  /**
   * A row that did not authenticate: true the first time its sequence is seen
   * (report it), false after (a relay that serves it on every sync is not
   * reported every time). It never moves lastSeq.
   */
  firstRejection(seq: number): boolean {
    const seqs = this.record.rejectedSeqs;
    if (seqs.includes(seq)) return false;
    seqs.push(seq);
    const kept = seqs.filter((s) => s > this.record.lastSeq).slice(-MAX_REJECTED_SEQS);
    seqs.splice(0, seqs.length, ...kept);
    return true;
  }

  /** The sequence the next row should have: past lastSeq and the rows already served and rejected. */
  nextExpectedSeq(): number {
    let next = this.record.lastSeq + 1;
    while (this.record.rejectedSeqs.includes(next)) next++;
    return next;
  }

  /** A missing counter arrived: the messages that flagged it lose their gap flag once nothing below them is missing. */
  refreshGapFlags(epoch: number, sender: string): void {
    const key = `${epoch}:${sender}`;
    for (const e of this.history) {
      if (!e.flags.gap || e.epoch !== epoch || e.sender !== sender || e.counter === undefined) continue;
      if (missingBelow(this.record.missing, key, e.counter)) continue;
      e.flags = { ...e.flags, gap: false };
      this.historyDirty = true;
    }
  }

  /**
   * A copy: later changes to the history (a gap that closed, a pin) do not
   * rewrite the event already emitted. In sequence order: a carried bulletin
   * keeps the earlier sequence it was stored at.
   */
  addToHistory(event: MessageEvent): void {
    let at = this.history.length;
    while (at > 0 && this.history[at - 1]!.seq > event.seq) at--;
    this.history.splice(at, 0, { ...event });
    this.historyDirty = true;
  }

  /** Keeps what carries a bulletin (or an edit) to a newcomer; forgotten once it leaves the history. */
  keepBoardCopy(messageId: string, copy: BoardCopy): void {
    this.board[messageId] = copy;
    this.boardDirty = true;
  }

  private forgetBoardCopies(drop: (messageId: string, copy: BoardCopy) => boolean): void {
    for (const [id, copy] of Object.entries(this.board)) {
      if (!drop(id, copy)) continue;
      delete this.board[id];
      this.boardDirty = true;
    }
  }

  /** Deletes local copies past the group's retention, as the server does (expiresAt is Unix seconds). */
  expireHistory(nowMs: number): void {
    const kept = this.history.filter((e) => e.expiresAt === null || e.expiresAt * 1000 > nowMs);
    if (kept.length !== this.history.length) {
      this.history.splice(0, this.history.length, ...kept);
      this.historyDirty = true;
    }
    const held = new Set(this.history.map((e) => e.messageId));
    this.forgetBoardCopies((id, copy) => !held.has(copy.target ?? id));
    for (const id of Object.keys(this.record.pins)) if (!held.has(id)) delete this.record.pins[id];
    expireUrgent(this, nowMs);
  }

  /** A signed pin read live: the bulletin's mark follows at once (the relay's flag is read again at the next sync). */
  markPinned(messageId: string, pinned: boolean): void {
    const e = this.history.find((x) => x.messageId === messageId && x.kind === 'bulletin');
    if (!e || e.pinned === pinned) return;
    e.pinned = pinned;
    this.historyDirty = true;
  }

  /** Sets the pinned flag of the bulletins at these sequences (and clears the others when `all`). */
  setPinned(seqs: Set<number>, pinned: boolean, all = false): void {
    for (const e of this.history) {
      if (e.kind !== 'bulletin') continue;
      const want = seqs.has(e.seq) ? pinned : all ? !pinned : e.pinned;
      if (e.pinned === want) continue;
      e.pinned = want;
      this.historyDirty = true;
    }
  }

  /**
   * History, then the record, then the keys: a crash between them can leave a
   * used message key in the store until the next save (it is deleted then),
   * but never loses a message that was read (its key gone, the text not saved).
   * A send saves before its post leaves, so a crash mid-save only loses an unsent post.
   */
  async save(store: DocumentStore): Promise<void> {
    if (this.historyDirty) await store.write(historyDoc(this.groupId), this.history);
    this.historyDirty = false;
    if (this.boardDirty) await store.write(boardDoc(this.groupId), this.board);
    this.boardDirty = false;
    this.record.commits = this.chain.commits;
    const ids = Object.keys(this.record.seen);
    for (const id of ids.slice(0, Math.max(0, ids.length - MAX_SEEN_IDS))) delete this.record.seen[id];
    await store.write(groupDoc(this.groupId), this.record);
    for (const e of this.dirtyEpochs) {
      const keys = this.keys.get(e);
      if (keys) await store.write(epochDoc(this.groupId, e), exportEpochKeys(keys));
    }
    this.dirtyEpochs.clear();
    for (const e of this.droppedEpochs) await store.remove(epochDoc(this.groupId, e));
    this.droppedEpochs.clear();
  }
}
