// The SDK client: MindeulleApi composed from the session, the sealed store,
// the transport, and the per-group state machine (sync, receive, send, admin).
import { fromB64, toB64 } from '../../shared/crypto/encoding';
import { randomBytes } from '../../shared/crypto/primitives';
import { devicePublic } from '../../shared/protocol/device';
import type { MessageKind } from '../../shared/protocol/message-envelope';
import type { Plaintext } from '../../shared/protocol/plaintext';
import { type Role, type RosterOp, signCommit } from '../../shared/protocol/roster';
import { safetyNumber } from '../../shared/protocol/safety-number';
import type { ServerFrame } from '../../shared/schemas/ws';
import { commitOps, inviteInfo, inviteSpec, isConflict, joinRequests, redeem, requireAdmin } from './admin';
import type { GroupView, InviteOptions, MindeulleApi, SafetyNumberView, SendOptions } from './client-api';
import { type Core, KeyedLock } from './core';
import { epochDue, startEpoch } from './epochs';
import { ClientError } from './errors';
import type { ClientEvent, MessageEvent } from './events';
import { GroupState } from './group-state';
import { IDENTITY_DOC, type Identity, KX_ROTATION_MS } from './identity';
import type { WebSocketLike } from './live-socket';
import { RelayError } from './relay-api';
import { RosterChain } from './roster-chain';
import type { SealedStore } from './sealed-store';
import { sealPost } from './send';
import type { Session } from './session';
import { compareSummary, discoverGroup, readAll, syncGroup } from './sync';
import { Transport } from './transport';

export interface ClientParts {
  session: Session;
  store: SealedStore;
  identity: Identity;
  serverUrl: string;
  openSocket: (url: string) => WebSocketLike;
  now?: () => number;
  connectTimeoutMs?: number;
}

type Settings = { retentionSeconds?: number | null; announcementOnly?: boolean };

export class Client implements MindeulleApi, Core {
  readonly session: Session;
  readonly store: SealedStore;
  readonly transport: Transport;
  readonly states = new Map<string, GroupState>();
  identity: Identity;
  private readonly listeners = new Set<(e: ClientEvent) => void>();
  private readonly locks = new KeyedLock();
  private readyWaiters: (() => void)[] = [];
  private readonly clock: () => number;

  constructor(private readonly parts: ClientParts) {
    this.session = parts.session;
    this.store = parts.store;
    this.identity = parts.identity;
    this.clock = parts.now ?? Date.now;
    const wsUrl = parts.serverUrl.replace(/^http/, 'ws').replace(/\/$/, '') + '/v1/ws';
    this.transport = new Transport(this.session, this.store, {
      url: wsUrl,
      openSocket: parts.openSocket,
      onFrame: (f) => this.onFrame(f),
      onReady: () => void this.onReady(),
      onUnauthenticated: () => this.session.forget(),
    });
  }

  /** Loads the groups and pending posts a store holds. */
  async load(): Promise<this> {
    for (const id of await GroupState.groupIds(this.store)) this.states.set(id, await GroupState.load(this.store, id));
    await this.transport.restore();
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
    const g = this.states.get(groupId);
    if (!g) throw new ClientError('unknown_group', 'this device holds no such group');
    return g;
  }

  // ------------------------------------------------------ connection

  get deviceId(): string {
    return this.identity.deviceId;
  }

  get displayName(): string | null {
    return this.identity.displayName;
  }

  async connect(): Promise<void> {
    const ready = new Promise<void>((resolve) => this.readyWaiters.push(resolve));
    this.transport.socket.start();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ClientError('offline', 'the server did not answer')), this.parts.connectTimeoutMs ?? 15_000);
    });
    try {
      await Promise.race([ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async disconnect(): Promise<void> {
    this.transport.socket.stop();
    this.emit({ type: 'connection', online: false });
  }

  subscribe(listener: (event: ClientEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async onReady(): Promise<void> {
    this.emit({ type: 'connection', online: true });
    await this.sync().catch(() => {});
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    waiters.forEach((w) => w());
  }

  private onFrame(frame: ServerFrame): void {
    const run = (groupId: string, fn: () => Promise<void>) => void this.lock(groupId, fn).catch(() => {});
    switch (frame.type) {
      case 'message':
        return run(frame.groupId, () => this.readLive(frame.groupId, frame.message));
      case 'roster':
      case 'key-envelope':
        return run(frame.groupId, () => this.syncLocked(frame.groupId));
      case 'join-request':
        return this.emit({ type: 'join-request', groupId: frame.groupId, requestId: frame.request.requestId });
      default:
        return;
    }
  }

  /** A pushed message: read it if it is the next one and its epoch is held, else catch up over HTTP. */
  private async readLive(groupId: string, message: Extract<ServerFrame, { type: 'message' }>['message']): Promise<void> {
    const state = this.states.get(groupId);
    if (!state || state.record.removed) return;
    if (message.seq > state.record.lastSeq + 1 || !state.keys.has(message.epoch)) return this.syncLocked(groupId);
    const events = readAll(state, [message], state.chain.joinEpoch(this.deviceId));
    await state.save(this.store);
    events.forEach((e) => this.emit(e));
  }

  // ------------------------------------------------------------ sync

  async sync(groupId?: string): Promise<void> {
    if (groupId) return this.lock(groupId, () => this.syncLocked(groupId));
    await this.housekeeping();
    const summaries = await this.session.call((api) => api.groups());
    const ids = new Set([...this.states.keys(), ...summaries.map((s) => s.groupId)]);
    for (const id of ids) {
      await this.lock(id, async () => {
        await this.syncLocked(id);
        const summary = summaries.find((s) => s.groupId === id);
        const state = this.states.get(id);
        if (summary && state) {
          compareSummary(this, state, summary);
          await state.save(this.store);
        }
      });
    }
    await this.transport.flush();
  }

  /** Syncs one group (discovering it if new); then sends what a newly opened epoch needs and rotates if due. */
  private async syncLocked(groupId: string): Promise<void> {
    let state = this.states.get(groupId);
    if (!state) {
      const found = await discoverGroup(this, groupId);
      if (!found) return;
      this.states.set(groupId, (state = found));
    }
    const { opened } = await syncGroup(this, state);
    if (opened.includes(state.latestEpoch)) this.announceSelf(state, false);
    const me = state.chain.current.members.get(this.deviceId);
    if (me?.role === 'admin' && !state.record.removed && epochDue(state, this.now())) await this.commitLocked(state, []);
  }

  private async housekeeping(): Promise<void> {
    if (this.identity.expireOldKx(this.now())) await this.store.write(IDENTITY_DOC, this.identity.toJSON());
    if (this.now() - this.identity.kxRotatedAt >= KX_ROTATION_MS) await this.rotateDeviceKey();
  }

  // ---------------------------------------------------------- groups

  async groups(): Promise<GroupView[]> {
    return [...this.states.values()].filter((g) => !g.record.removed).map((g) => this.view(g));
  }

  private view(g: GroupState): GroupView {
    const roster = g.chain.current;
    return {
      groupId: g.groupId,
      name: g.record.name,
      role: roster.members.get(this.deviceId)?.role ?? 'member',
      epoch: roster.epoch,
      members: [...roster.members].map(([deviceId, m]) => ({ deviceId, role: m.role, displayName: g.record.displayNames[deviceId] ?? null })),
      retentionSeconds: roster.settings.retentionSeconds,
      announcementOnly: roster.settings.announcementOnly,
      unread: g.history.filter((e) => e.seq > g.record.lastReadSeq && e.sender !== this.deviceId).length,
      rosterValid: g.rosterValid,
    };
  }

  async createGroup(name: string, settings: Settings = {}): Promise<string> {
    const groupId = toB64(randomBytes(16));
    const self = this.identity.keys;
    const ops: RosterOp[] = [{ op: 'add', device: this.deviceId, signPk: toB64(self.signPk), role: 'admin' }];
    if (settings.retentionSeconds !== undefined || settings.announcementOnly !== undefined) ops.push({ op: 'settings', ...settings });
    const genesis = signCommit({ v: 1, group: groupId, seq: 0, prev: null, epoch: 1, author: this.deviceId, ops }, self.signSk);
    const state = GroupState.create(groupId, RosterChain.verify([genesis]));
    state.record.name = name;
    await this.session.call((api) => api.createGroup(genesis));
    this.states.set(groupId, state);
    await this.lock(groupId, async () => {
      await startEpoch(this.session, state, this.identity, this.now());
      await state.save(this.store);
    });
    this.announceSelf(state, true);
    return groupId;
  }

  /** After opening an epoch: a profile message (display names do not cross epochs), and the group name if this admin started it. */
  private announceSelf(state: GroupState, withName: boolean): void {
    const sentAt = this.now();
    if (withName && state.record.name) void this.post(state.groupId, 'meta', { type: 'group-name', sentAt, name: state.record.name }).catch(() => {});
    const displayName = this.identity.displayName;
    if (displayName) void this.post(state.groupId, 'meta', { type: 'profile', sentAt, displayName }).catch(() => {});
  }

  // ---------------------------------------------------------- invites

  async createInvite(groupId: string, options?: InviteOptions) {
    const spec = await inviteSpec(this, this.group(groupId), options);
    const { invite, code } = await this.session.call((api) => api.createInvite(groupId, spec));
    return { code, inviteId: invite.inviteId };
  }

  async listInvites(groupId: string) {
    requireAdmin(this, this.group(groupId));
    return (await this.session.call((api) => api.invites(groupId))).map((v) => inviteInfo(this, v));
  }

  async revokeInvite(groupId: string, inviteId: string): Promise<void> {
    requireAdmin(this, this.group(groupId));
    await this.session.call((api) => api.revokeInvite(groupId, inviteId));
  }

  async rotateInvites(groupId: string, options?: InviteOptions) {
    const spec = await inviteSpec(this, this.group(groupId), options);
    const r = await this.session.call((api) => api.rotateInvites(groupId, spec));
    return { code: r.code, inviteId: r.invite.inviteId, revoked: r.revoked };
  }

  // ---------------------------------------------------- join requests

  async join(code: string, introduction?: string) {
    const request = await redeem(this, code, introduction);
    return { requestId: request.requestId, groupId: request.groupId };
  }

  async pendingJoins() {
    return (await this.session.call((api) => api.myJoinRequests())).map((r) => ({ requestId: r.requestId, groupId: r.groupId }));
  }

  joinRequests(groupId: string) {
    return joinRequests(this, this.group(groupId));
  }

  async approve(groupId: string, requestId: string): Promise<void> {
    await this.commit(groupId, async (state) => {
      const request = (await this.session.call((api) => api.joinRequests(groupId))).find((r) => r.requestId === requestId);
      if (!request) throw new RelayError(404, 'join_request_not_found', 'no such join request');
      const ops: RosterOp[] = [{ op: 'add', device: request.device.deviceId, signPk: request.device.signPk, role: request.role }];
      await commitOps(this, state, ops, (commit) => this.session.call((api) => api.approveJoinRequest(groupId, requestId, commit)));
    });
  }

  async reject(groupId: string, requestId: string): Promise<void> {
    requireAdmin(this, this.group(groupId));
    await this.session.call((api) => api.rejectJoinRequest(groupId, requestId));
  }

  // ----------------------------------------------------------- roster

  removeMember(groupId: string, deviceId: string): Promise<void> {
    return this.commit(groupId, (state) => commitOps(this, state, [{ op: 'remove', device: deviceId }]));
  }

  setRole(groupId: string, deviceId: string, role: Role): Promise<void> {
    return this.commit(groupId, (state) => commitOps(this, state, [{ op: 'set-role', device: deviceId, role }]));
  }

  setSettings(groupId: string, settings: Settings): Promise<void> {
    return this.commit(groupId, (state) => commitOps(this, state, [{ op: 'settings', ...settings }]));
  }

  rotateEpoch(groupId: string): Promise<void> {
    return this.commit(groupId, (state) => commitOps(this, state, []));
  }

  private commitLocked(state: GroupState, ops: RosterOp[]): Promise<void> {
    return commitOps(this, state, ops).then(() => this.announceSelf(state, true));
  }

  /** Runs a roster change under the group's lock; if another admin committed first, syncs and tries once more. */
  private commit(groupId: string, change: (state: GroupState) => Promise<void>): Promise<void> {
    return this.lock(groupId, async () => {
      const state = this.group(groupId);
      try {
        await change(state);
      } catch (e) {
        if (!isConflict(e)) throw e;
        await this.syncLocked(groupId);
        await change(state);
      }
      this.announceSelf(state, true);
    });
  }

  // --------------------------------------------------------- profile

  async setDisplayName(name: string): Promise<void> {
    this.identity.displayName = name;
    await this.store.write(IDENTITY_DOC, this.identity.toJSON());
    const sentAt = this.now();
    await Promise.all(
      [...this.states.values()]
        .filter((g) => !g.record.removed && g.keys.size > 0)
        .map((g) => this.post(g.groupId, 'meta', { type: 'profile', sentAt, displayName: name })),
    );
  }

  // --------------------------------------------------------- messages

  send(groupId: string, text: string, options: SendOptions = {}) {
    const replyTo = options.replyTo ? { replyTo: options.replyTo } : {};
    return this.post(groupId, 'message', { type: 'text', sentAt: this.now(), text, ...replyTo });
  }

  postBulletin(groupId: string, text: string, options: { pin?: boolean } = {}) {
    return this.post(groupId, 'bulletin', { type: 'text', sentAt: this.now(), text }, options.pin ?? false);
  }

  /**
   * Seals under the group's lock (the advanced chain is saved before the post
   * leaves), posts until acked, then reads up to the stored sequence so the
   * post is in the history when this resolves.
   */
  private async post(groupId: string, kind: MessageKind, plaintext: Plaintext, pinned = false, retried = false): Promise<{ messageId: string; seq: number }> {
    const state = this.group(groupId);
    const input = await this.lock(groupId, async () => {
      const sealed = sealPost(state, this.identity, kind, plaintext, pinned);
      await state.save(this.store);
      return sealed;
    });
    let seq: number;
    try {
      ({ seq } = await this.transport.post(groupId, input));
    } catch (e) {
      // An epoch the server no longer accepts: catch up (the new key arrives) and seal again once.
      if (retried || (e as { code?: string }).code !== 'epoch_invalid') throw e;
      await this.sync(groupId);
      return this.post(groupId, kind, plaintext, pinned, true);
    }
    await this.lock(groupId, async () => {
      if (state.record.lastSeq < seq) await this.syncLocked(groupId);
    });
    return { messageId: input.clientMsgId, seq };
  }

  async pin(groupId: string, seq: number, pinned: boolean): Promise<void> {
    const state = this.group(groupId);
    await this.session.call((api) => api.pin(groupId, seq, pinned));
    await this.lock(groupId, async () => {
      for (const e of state.history) if (e.seq === seq) e.pinned = pinned;
      await state.save(this.store);
    });
  }

  async history(groupId: string, options: { kind?: 'message' | 'bulletin' } = {}): Promise<MessageEvent[]> {
    return this.group(groupId).history.filter((e) => !options.kind || e.kind === options.kind);
  }

  markRead(groupId: string): Promise<void> {
    const state = this.group(groupId);
    return this.lock(groupId, async () => {
      state.record.lastReadSeq = state.record.lastSeq;
      await state.save(this.store);
    });
  }

  // -------------------------------------------------------- device

  async safetyNumber(groupId: string, deviceId: string): Promise<SafetyNumberView> {
    const member = this.group(groupId).chain.current.members.get(deviceId);
    if (!member) throw new ClientError('unknown_group', 'no such member in the verified roster');
    const n = safetyNumber(this.identity.keys.signPk, fromB64(member.signPk));
    return { digits: n.digits, qr: n.qr };
  }

  /** Saves the new key (keeping the old one for the grace period) before the server learns it. */
  async rotateDeviceKey(): Promise<void> {
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
  }

  async logoutEverywhere(): Promise<void> {
    await this.session.call((api) => api.logoutAll());
    this.session.forget();
    await this.disconnect();
  }
}
