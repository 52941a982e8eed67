// The SDK client: MindeulleApi composed from the session, the sealed store,
// the transport, and the per-group state machine (sync, receive, send, admin).
import { fromB64 } from '../../shared/crypto/encoding';
import { devicePublic } from '../../shared/protocol/device';
import type { MessageKind } from '../../shared/protocol/posting-rules';
import type { Plaintext } from '../../shared/protocol/plaintext';
import type { Role } from '../../shared/protocol/roster';
import { safetyNumber, shortRosterHash } from '../../shared/protocol/safety-number';
import { approve, changeRoster, commitOps, createGroup } from './admin';
import { pinBulletin, postBulletin } from './pins';
import { queuedMessages } from './queued';
import type {
  GroupView,
  InviteOptions,
  MindeulleApi,
  QueuedMessage,
  SafetyNumberView,
  SendOptions,
} from './client-api';
import { acceptInvitation, declineInvitation, leaveEpochUnsealed, leaveGroup, sealLeaveEpoch } from './consent';
import { type Core, KeyedLock, requireGroup } from './core';
import { epochDue } from './epochs';
import { ClientError } from './errors';
import type { ClientEvent, MessageEvent } from './events';
import { GroupState } from './group-state';
import { dropHeld, HeldQueue } from './held';
import { IDENTITY_DOC, type Identity, KX_ROTATION_MS } from './identity';
import type { WebSocketLike } from './live-socket';
import { RelayError, type RelayApi } from './relay-api';
import type { SealedStore } from './sealed-store';
import { announceSelf, cancelHeld, postPlaintext, releaseHeld } from './send';
import type { Session } from './session';
import {
  clearJoinRequests,
  createInvite,
  join,
  joinRequestCount,
  joinRequests,
  joinSafetyNumbers,
  listInvites,
  rejectRequest,
  revokeInvite,
  rotateInvites,
} from './invites';
import { handleFrame } from './live';
import { compareSummary, discoverGroup, syncGroup } from './sync';
import { Transport } from './transport';
import { resealStale, resealWhenKeyed } from './reseal';
import { recordRotation } from './stale-key';
import { deleteMessage, editMessage } from './message-changes';
import { postToGroups } from './bulletin-groups';
import { acknowledgeHelp, helpSettings, requestHelp, urgentRequests } from './urgent-help';
import { downloadAttachment, type FileToSend, type SendFileOptions, sendFile } from './attachments';
import type { AttachmentDescriptor } from '../../shared/protocol/attachment';
import { epochClosed, waitingForKey } from './sealing-rule';

export interface ClientParts {
  session: Session;
  store: SealedStore;
  identity: Identity;
  serverUrl: string;
  openSocket: (url: string) => WebSocketLike;
  now?: () => number;
  connectTimeoutMs?: number;
  backoff?: { minMs: number; maxMs: number };
  perGroupSockets?: boolean;
}

type Settings = {
  retentionSeconds?: number | null;
  announcementOnly?: boolean;
  urgentAnswerSeconds?: number;
  helpNumbers?: string[];
};

export class Client implements MindeulleApi, Core {
  readonly session: Session;
  readonly store: SealedStore;
  readonly transport: Transport;
  readonly states = new Map<string, GroupState>();
  readonly held: HeldQueue;
  identity: Identity;
  private readonly listeners = new Set<(e: ClientEvent) => void>();
  private readonly locks = new KeyedLock();
  private readyWaiters: (() => void)[] = [];
  /** Work started without a caller waiting for it (frames, announcements), awaited by close(). */
  private readonly background = new Set<Promise<unknown>>();
  private readonly clock: () => number;

  constructor(private readonly parts: ClientParts) {
    this.session = parts.session;
    this.store = parts.store;
    this.identity = parts.identity;
    this.clock = parts.now ?? Date.now;
    this.held = new HeldQueue(parts.store);
    this.transport = new Transport(this.session, this.store, {
      serverUrl: parts.serverUrl,
      openSocket: parts.openSocket,
      onFrame: (f) => handleFrame(this, f),
      onReady: (groupId) => this.inBackground(this.onReady(groupId)),
      // Removed while away: her group's socket is refused, and only a sync tells her why.
      onRefused: (groupId) => this.inBackground(this.sync(groupId)),
      onDown: () => {
        if (!this.transport.connected()) this.relayAnswered = false;
        this.noteConnection();
      },
      perGroupSockets: parts.perGroupSockets,
      backoff: parts.backoff,
    });
    // A queued post never leaves in an epoch that closed (a removal) after it was sealed: it is sealed again (P5).
    this.transport.outbox.mayLeave = (post) => {
      const state = this.states.get(post.groupId);
      return !state || !epochClosed(state, post.input.epoch);
    };
    this.transport.outbox.onStale = (post) => this.resealInBackground(post.groupId);
  }

  private readonly resealing = new Set<string>();
  private readonly releasing = new Set<string>();
  private readonly releaseAgain = new Set<string>();

  /** Seals and sends the group's held messages now that its socket is up (one run at a time per group). */
  private releaseInBackground(groupId: string): void {
    if (this.held.list(groupId).length === 0) return;
    if (this.releasing.has(groupId)) return void this.releaseAgain.add(groupId);
    this.releasing.add(groupId);
    this.inBackground(
      releaseHeld(this, groupId).finally(() => {
        this.releasing.delete(groupId);
        if (this.releaseAgain.delete(groupId)) this.releaseInBackground(groupId);
      }),
    );
  }

  private resealInBackground(groupId: string): void {
    if (this.resealing.has(groupId)) return;
    this.resealing.add(groupId);
    this.inBackground(resealWhenKeyed(this, groupId).finally(() => this.resealing.delete(groupId)));
  }

  /** Loads the groups and pending posts a store holds. */
  async load(): Promise<this> {
    for (const id of await GroupState.groupIds(this.store)) this.states.set(id, await GroupState.load(this.store, id));
    await this.transport.restore();
    const outbox = this.transport.outbox.list();
    await this.held.restore((id) => outbox.some((p) => p.input.clientMsgId === id));
    return this;
  }

  // ------------------------------------------------------------- Core

  now(): number {
    return this.clock();
  }

  emit(event: ClientEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // a listener's bug must not stop the client
      }
    }
  }

  lock<T>(groupId: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(groupId, fn);
  }

  private group(groupId: string): GroupState {
    return requireGroup(this, groupId);
  }

  // ------------------------------------------------------ connection

  get deviceId(): string {
    return this.identity.deviceId;
  }

  get displayName(): string | null {
    return this.identity.displayName;
  }

  async connect(): Promise<void> {
    if (this.transport.connected()) return;
    const ready = new Promise<void>((resolve) => this.readyWaiters.push(resolve));
    const sockets = this.transport.start(
      [...this.states.values()].filter((g) => !g.record.removed).map((g) => g.groupId),
    );
    if (sockets === 0) return this.sync(); // per-group sockets and no group yet: nothing to follow
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ClientError('offline', 'the server did not answer')),
        this.parts.connectTimeoutMs ?? 15_000,
      );
    });
    try {
      await Promise.race([ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  reconnect(): void {
    this.transport.retryNow();
  }

  async disconnect(): Promise<void> {
    this.transport.stop();
    this.relayAnswered = false;
    this.wasOnline = false;
    this.emit({ type: 'connection', online: false });
  }

  /** With no socket to follow (no group yet, or removed from the last), whether the relay last answered. */
  private relayAnswered = false;
  private wasOnline = false;

  get online(): boolean {
    if (this.transport.socketCount > 0) return this.transport.connected();
    return this.transport.live && this.relayAnswered;
  }

  /** Emits a connection event when `online` changed (a ready socket always emits one, in onReady). */
  private noteConnection(): void {
    const online = this.online;
    if (online === this.wasOnline) return;
    this.wasOnline = online;
    this.emit({ type: 'connection', online });
  }

  /**
   * Waits (up to `timeoutMs`) for background work — frames being read,
   * announcements being posted — then stops the socket and forgets the store
   * key. For short-lived processes such as the CLI; the client is unusable afterwards.
   */
  async close(timeoutMs = 10_000): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    // Background work can start more (a frame's sync announces a profile), so wait until none is left.
    while (this.background.size > 0) {
      if ((await Promise.race([Promise.allSettled([...this.background]), timeout])) === 'timeout') break;
    }
    clearTimeout(timer);
    this.transport.close();
    this.store.close();
  }

  subscribe(listener: (event: ClientEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** After a (re)connect: catch up on everything (device socket) or on the socket's group. */
  private async onReady(groupId?: string): Promise<void> {
    this.wasOnline = this.relayAnswered = true;
    this.emit({ type: 'connection', online: true });
    await this.sync(groupId).catch(() => {});
    if (groupId) await this.transport.flush().catch(() => {});
    const held = new Set(this.held.list().map((p) => p.groupId));
    for (const id of held) if (groupId === undefined || id === groupId) this.releaseInBackground(id);
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    waiters.forEach((w) => w());
  }

  inBackground(p: Promise<unknown>): void {
    const tracked = p.catch(() => {}).finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }

  // ------------------------------------------------------------ sync

  async sync(groupId?: string): Promise<void> {
    if (groupId) return this.lock(groupId, () => this.syncLocked(groupId));
    await this.housekeeping();
    let summaries: Awaited<ReturnType<RelayApi['groups']>>;
    try {
      summaries = await this.session.call((api) => api.groups());
      this.relayAnswered = true;
    } catch (e) {
      if (!(e instanceof RelayError)) this.relayAnswered = false; // no answer at all: offline
      throw e;
    } finally {
      this.noteConnection();
    }
    const ids = new Set([...this.states.keys(), ...summaries.map((s) => s.groupId)]);
    for (const id of ids) {
      await this.lock(id, async () => {
        const old = this.states.get(id);
        // Removed once and added again: start over from the chain (keeping what she read before).
        if (old?.record.removed && summaries.some((s) => s.groupId === id)) this.states.delete(id);
        await this.syncLocked(id);
        const fresh = this.states.get(id);
        // (a bulletin carried to her again at her return is not shown twice)
        if (old && fresh && fresh !== old) {
          fresh.history.unshift(...old.history.filter((e) => !fresh.history.some((f) => f.messageId === e.messageId)));
          fresh.record.displayNames = { ...old.record.displayNames, ...fresh.record.displayNames };
        }
        const summary = summaries.find((s) => s.groupId === id);
        const state = this.states.get(id);
        if (summary && state) {
          compareSummary(this, state, summary);
          await state.save(this.store);
        }
      });
    }
    // After the groups are synced, so the rotation is recorded against the newest verified epochs (stale-key.ts).
    if (this.now() - this.identity.kxRotatedAt >= KX_ROTATION_MS) await this.rotateKx();
    await this.transport.flush();
  }

  /** Syncs one group (discovering it if new); then sends what a newly opened epoch needs and rotates if due. */
  async syncLocked(groupId: string): Promise<void> {
    let state = this.states.get(groupId);
    if (!state) {
      const found = await discoverGroup(this, groupId);
      if (!found) return;
      // createGroup may have set this group's state while the chain was fetched: hers stands (she founded it)
      state = this.states.get(groupId);
      if (!state) {
        this.states.set(groupId, (state = found));
        this.transport.follow(groupId);
      }
    }
    const headBefore = state.chain.current.head;
    const waitingBefore = waitingForKey(state);
    const { opened } = await syncGroup(this, state);
    if (state.record.removed) {
      this.transport.unfollow(groupId);
      await dropHeld(this, groupId);
    }
    const waiting = waitingForKey(state);
    if (waiting !== waitingBefore) this.emit({ type: 'key-state', groupId, waitingForKey: waiting });
    await resealStale(this, state);
    if (opened.includes(state.latestEpoch)) this.inBackground(this.announceSelf(state, false));
    // The roster changed within the epoch this device holds: members learn its new head (a fork shows, P14).
    else if (state.chain.current.head !== headBefore && state.chain.current.epoch === state.latestEpoch)
      this.inBackground(this.announceSelf(state, false, true));
    // A member left: the first admin to see it seals the new epoch to those who stay.
    if (leaveEpochUnsealed(this, state) && (await sealLeaveEpoch(this, state)))
      this.inBackground(this.announceSelf(state, true));
    const me = state.chain.current.members.get(this.deviceId);
    if (
      me?.role === 'admin' &&
      !state.record.removed &&
      state.record.consent === 'accepted' &&
      epochDue(state, this.now())
    ) {
      await commitOps(this, state, []);
      this.inBackground(this.announceSelf(state, true));
    }
    // A key that was missing may have come: messages held while offline can be sealed now.
    if (this.transport.connected(groupId)) this.releaseInBackground(groupId);
  }

  private async housekeeping(): Promise<void> {
    if (this.identity.expireOldKx(this.now())) await this.store.write(IDENTITY_DOC, this.identity.toJSON());
  }

  // ---------------------------------------------------------- groups

  async groups(options: { includeRemoved?: boolean } = {}): Promise<GroupView[]> {
    const shown = (g: GroupState) => !g.record.removed || (options.includeRemoved && !g.leftBy(this.deviceId));
    return [...this.states.values()].filter(shown).map((g) => g.view(this.deviceId, this.displayName));
  }

  async forgetGroup(groupId: string): Promise<void> {
    const state = this.group(groupId);
    if (!state.record.removed)
      throw new ClientError('still_member', 'this device is still a member: leave the group first');
    await this.lock(groupId, async () => {
      await dropHeld(this, groupId);
      for (const p of this.transport.outbox.list())
        if (p.groupId === groupId)
          this.transport.outbox.fail(p.input.clientMsgId, 'removed', 'the group was forgotten');
      await state.forget(this.store);
      await this.store.remove(`draft/${groupId}`);
      this.states.delete(groupId);
      this.transport.unfollow(groupId);
    });
  }

  createGroup(name: string, settings: Settings = {}): Promise<string> {
    return createGroup(this, name, settings);
  }

  announceSelf(state: GroupState, withName: boolean, checkOnly = false): Promise<void> {
    return announceSelf(this, state, withName, checkOnly);
  }

  // ------------------------------------------------ invites, requests

  createInvite(groupId: string, options?: InviteOptions) {
    return createInvite(this, groupId, options);
  }

  listInvites(groupId: string) {
    return listInvites(this, groupId);
  }

  revokeInvite(groupId: string, inviteId: string) {
    return revokeInvite(this, groupId, inviteId);
  }

  rotateInvites(groupId: string, options?: InviteOptions) {
    return rotateInvites(this, groupId, options);
  }

  join(code: string, introduction?: string, groupHash?: string | null) {
    return join(this, code, introduction, groupHash ?? null);
  }

  acceptInvitation(groupId: string): Promise<void> {
    return acceptInvitation(this, groupId);
  }

  declineInvitation(groupId: string): Promise<void> {
    return declineInvitation(this, groupId);
  }

  leaveGroup(groupId: string): Promise<void> {
    return leaveGroup(this, groupId);
  }

  async pendingJoins() {
    return (await this.session.call((api) => api.myJoinRequests())).map((r) => ({
      requestId: r.requestId,
      groupId: r.groupId,
    }));
  }

  joinRequests(groupId: string) {
    return joinRequests(this, groupId);
  }

  joinRequestCount(groupId: string) {
    return joinRequestCount(this, groupId);
  }

  joinSafetyNumbers(groupId: string) {
    return joinSafetyNumbers(this, groupId);
  }

  approve(groupId: string, requestId: string): Promise<void> {
    return approve(this, groupId, requestId);
  }

  reject(groupId: string, requestId: string): Promise<void> {
    return rejectRequest(this, groupId, requestId);
  }

  clearJoinRequests(groupId: string, options?: { inviteId?: string }): Promise<number> {
    return clearJoinRequests(this, groupId, options);
  }

  // ----------------------------------------------------------- roster

  removeMember(groupId: string, deviceId: string): Promise<void> {
    return changeRoster(this, groupId, () => [{ op: 'remove', device: deviceId }]);
  }

  setRole(groupId: string, deviceId: string, role: Role): Promise<void> {
    return changeRoster(this, groupId, () => [{ op: 'set-role', device: deviceId, role }]);
  }

  setSettings(groupId: string, settings: Settings): Promise<void> {
    return changeRoster(this, groupId, () => [{ op: 'settings', ...settings }]);
  }

  rotateEpoch(groupId: string): Promise<void> {
    return changeRoster(this, groupId, () => []);
  }

  // --------------------------------------------------------- profile

  async setDisplayName(name: string): Promise<void> {
    this.identity.displayName = name;
    await this.store.write(IDENTITY_DOC, this.identity.toJSON());
    const sentAt = this.now();
    await Promise.all(
      [...this.states.values()]
        .filter((g) => !g.record.removed && g.record.consent === 'accepted' && g.keys.size > 0)
        .map((g) => postPlaintext(this, g.groupId, 'meta', { type: 'profile', sentAt, displayName: name })),
    );
  }

  // --------------------------------------------------------- messages

  send(groupId: string, text: string, options: SendOptions = {}) {
    const replyTo = options.replyTo ? { replyTo: options.replyTo } : {};
    const plaintext: Plaintext = { type: 'text', sentAt: this.now(), text, ...replyTo };
    return postPlaintext(this, groupId, 'message', plaintext, false, options);
  }

  postBulletin(groupId: string, text: string, options: { pin?: boolean } = {}) {
    return postBulletin(this, groupId, text, options.pin ?? false);
  }

  /** The same bulletin to several of her groups, sealed for each; refused before anything is sent if one group refuses it. */
  postBulletinToGroups(groupIds: string[], text: string, options: { pin?: boolean } = {}) {
    return postToGroups(this, groupIds, (groupId) => this.postBulletin(groupId, text, options));
  }

  // ------------------------------------------------------ urgent help

  requestHelp(groupId: string, text?: string, options: { onHeld?: (messageId: string) => void } = {}) {
    return requestHelp(this, groupId, text, options.onHeld);
  }

  acknowledgeHelp(groupId: string, requestId: string) {
    return acknowledgeHelp(this, groupId, requestId);
  }

  urgentRequests(groupId: string) {
    return urgentRequests(this, groupId);
  }

  helpSettings(groupId: string) {
    return helpSettings(this, groupId);
  }

  pin(groupId: string, seq: number, pinned: boolean): Promise<void> {
    return pinBulletin(this, groupId, seq, pinned);
  }

  async queued(groupId: string): Promise<QueuedMessage[]> {
    this.group(groupId);
    return queuedMessages(this, groupId);
  }

  cancelQueued(groupId: string, messageId: string): Promise<boolean> {
    return cancelHeld(this, groupId, messageId);
  }

  async history(groupId: string, options: { kind?: Exclude<MessageKind, 'meta'> } = {}): Promise<MessageEvent[]> {
    return this.group(groupId).history.filter((e) => !options.kind || e.kind === options.kind);
  }

  editMessage(groupId: string, messageId: string, text: string) {
    return editMessage(this, groupId, messageId, text);
  }

  deleteMessage(groupId: string, messageId: string) {
    return deleteMessage(this, groupId, messageId);
  }

  sendFile(groupId: string, file: FileToSend, options?: SendFileOptions) {
    return sendFile(this, groupId, file, options);
  }

  downloadAttachment(
    groupId: string,
    which: string | AttachmentDescriptor,
    options?: Parameters<typeof downloadAttachment>[3],
  ) {
    return downloadAttachment(this, groupId, which, options);
  }

  markRead(groupId: string, kind?: 'message' | 'bulletin'): Promise<void> {
    const state = this.group(groupId);
    return this.lock(groupId, async () => {
      state.markRead(kind);
      await state.save(this.store);
    });
  }

  // -------------------------------------------------------- device

  async safetyNumber(groupId: string, deviceId: string): Promise<SafetyNumberView> {
    const roster = this.group(groupId).chain.current;
    const member = roster.members.get(deviceId);
    if (!member) throw new ClientError('unknown_group', 'no such member in the verified roster');
    const n = safetyNumber(this.identity.keys.signPk, fromB64(member.signPk));
    return { digits: n.digits, qr: n.qr, roster: { seq: roster.seq, hash: shortRosterHash(roster.head) } };
  }

  /** Catches up first, so the rotation is recorded against the newest verified epochs. */
  async rotateDeviceKey(): Promise<void> {
    for (const id of this.states.keys()) await this.sync(id).catch(() => {});
    await this.rotateKx();
  }

  /** Saves the new key (keeping the old one for the grace period) before the server learns it. */
  private async rotateKx(): Promise<void> {
    const before = this.identity;
    const next = before.rotated(this.now());
    await this.store.write(IDENTITY_DOC, next.toJSON());
    this.identity = next;
    const pub = devicePublic(next.keys);
    try {
      await this.session.call((api) => api.rotateKx({ kxPk: pub.kxPk, kxVersion: pub.kxVersion, kxSig: pub.kxSig }));
    } catch (e) {
      this.identity = before;
      await this.store.write(IDENTITY_DOC, before.toJSON());
      throw e;
    }
    // Epochs after the current ones must be sealed to the new key: one sealed to an old key is an attack (stale-key.ts).
    for (const state of this.states.values()) {
      await this.lock(state.groupId, async () => {
        recordRotation(state, pub.kxVersion);
        await state.save(this.store);
      });
    }
  }

  // ---------------------------------------------- beyond MindeulleApi

  /** An unsent draft, sealed at rest like everything else. */
  async setDraft(groupId: string, text: string): Promise<void> {
    if (text) await this.store.write(`draft/${groupId}`, text);
    else await this.store.remove(`draft/${groupId}`);
  }

  async draft(groupId: string): Promise<string> {
    return (await this.store.read<string>(`draft/${groupId}`)) ?? '';
  }

  /** Erases everything this device stores (duress passphrase, wipe) and stops. The client is unusable afterwards. */
  async wipe(): Promise<void> {
    this.transport.close();
    await this.store.clear();
    this.states.clear();
  }

  changePassphrase(current: string, next: string): Promise<void> {
    return this.store.changePassphrase(current, next);
  }

  async logoutEverywhere(): Promise<void> {
    await this.session.call((api) => api.logoutAll());
    this.session.forget();
    await this.disconnect();
  }

  pushKey(): Promise<string> {
    return this.session.call((api) => api.pushKey());
  }

  async setPushEndpoint(endpoint: string | null): Promise<void> {
    await this.session.call((api) => (endpoint === null ? api.unsubscribePush() : api.subscribePush(endpoint)));
  }
}
