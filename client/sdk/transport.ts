// Posting with an ack: over a live socket when one is up, else over HTTP,
// retrying with the same client message id until the server stores it (the
// server deduplicates on that id, so a retry never makes a second message).
// Pending posts are persisted, so a restarted client resends them.
//
// Sockets: one for the device (/v1/ws, Node only: it follows every group and
// hears at once of a group the device is added to), or one per group
// (/v1/groups/{id}/ws, the portable one and the only one on Cloudflare Workers).
import type { PostMessageInput } from '../../shared/schemas/messages';
import type { ServerFrame } from '../../shared/schemas/ws';
import { backoffDelay, sleep } from './backoff';
import { LiveSocket, type WebSocketLike } from './live-socket';
import { isRetryable, Outbox, type PendingPost, type PostAck, type ResealInput } from './outbox';
import { RelayError } from './relay-api';
import type { Session } from './session';
import type { DocumentStore } from './store';

const OUTBOX_DOC = 'outbox';
const DEVICE = '';
/** Retries of a post over HTTP while no socket is up. */
const HTTP_RETRY = { minMs: 250, maxMs: 10_000 };

export interface TransportOptions {
  serverUrl: string;
  openSocket: (url: string) => WebSocketLike;
  onFrame: (frame: ServerFrame) => void;
  /** after each (re)connect of a socket: its group, or undefined for the device socket */
  onReady: (groupId?: string) => void;
  /** a socket that was ready closed */
  onDown?: () => void;
  /** a group's socket was refused (e.g. she is no longer a member): the group should catch up over HTTP */
  onRefused?: (groupId: string) => void;
  perGroupSockets?: boolean;
  backoff?: { minMs: number; maxMs: number };
}

export class Transport {
  readonly outbox = new Outbox();
  private readonly sockets = new Map<string, LiveSocket>();
  private running = false;
  private closed = false;

  constructor(
    private readonly session: Session,
    private readonly store: DocumentStore,
    private readonly opts: TransportOptions,
  ) {
    this.outbox.onChange = (pending) => void this.store.write(OUTBOX_DOC, pending).catch(() => {});
  }

  /** Restores posts an earlier run left unacknowledged. */
  async restore(): Promise<void> {
    this.outbox.restore((await this.store.read<PendingPost[]>(OUTBOX_DOC)) ?? []);
  }

  /** Opens the device socket, or one socket per group; returns how many sockets are open. */
  start(groupIds: Iterable<string>): number {
    this.running = true;
    if (!this.opts.perGroupSockets) this.open(DEVICE);
    else for (const g of groupIds) this.follow(g);
    return this.sockets.size;
  }

  /** A group joined or created while running: with per-group sockets, it gets its own. */
  follow(groupId: string): void {
    if (this.running && this.opts.perGroupSockets && !this.sockets.has(groupId)) this.open(groupId);
  }

  unfollow(groupId: string): void {
    this.sockets.get(groupId)?.stop();
    this.sockets.delete(groupId);
  }

  /** Sockets waiting to reconnect try at once (the network is back). */
  retryNow(): void {
    for (const s of this.sockets.values()) s.retryNow();
  }

  stop(): void {
    this.running = false;
    for (const s of this.sockets.values()) s.stop();
    this.sockets.clear();
  }

  /** Whether the live connection was started (connect) and not stopped: a client that never connects posts over HTTP. */
  get live(): boolean {
    return this.running;
  }

  /** How many live sockets there are (up or reconnecting). */
  get socketCount(): number {
    return this.sockets.size;
  }

  /** Whether a socket is up (for per-group sockets: any, or the group's). */
  connected(groupId?: string): boolean {
    if (groupId !== undefined) return this.socketFor(groupId)?.connected ?? false;
    return [...this.sockets.values()].some((s) => s.connected);
  }

  private socketFor(groupId: string): LiveSocket | undefined {
    return this.sockets.get(this.opts.perGroupSockets ? groupId : DEVICE);
  }

  private open(key: string): void {
    const base = this.opts.serverUrl.replace(/^http/, 'ws').replace(/\/$/, '');
    const socket = new LiveSocket({
      url: key === DEVICE ? `${base}/v1/ws` : `${base}/v1/groups/${key}/ws`,
      openSocket: this.opts.openSocket,
      token: () => this.session.token(),
      onFrame: this.opts.onFrame,
      onReady: () => this.opts.onReady(key === DEVICE ? undefined : key),
      onDown: () => this.opts.onDown?.(),
      onUnauthenticated: () => {
        this.session.forget();
        if (key !== DEVICE) this.opts.onRefused?.(key);
      },
      minBackoffMs: this.opts.backoff?.minMs,
      maxBackoffMs: this.opts.backoff?.maxMs,
      outbox: this.outbox,
      ...(key === DEVICE ? {} : { groupId: key }),
    });
    this.sockets.set(key, socket);
    socket.start();
  }

  /**
   * Resolves with the stored sequence (and the id it was stored under: a post
   * sealed again in a newer epoch has a new one) once the server acked;
   * rejects only on a final refusal. `reseal` is what to seal again if the
   * post's epoch closes before it is stored.
   */
  post(groupId: string, input: PostMessageInput, reseal?: ResealInput): Promise<PostAck> {
    const post: PendingPost = { groupId, input, ...(reseal ? { reseal } : {}) };
    const socket = this.socketFor(groupId);
    const done = socket ? socket.post(post) : this.outbox.add(post);
    if (!this.connected(groupId)) void this.drainOverHttp(input.clientMsgId);
    return done;
  }

  /** Puts a stale post's new sealing in its place and sends it. */
  replaceStale(oldId: string, post: PendingPost): void {
    this.outbox.replace(oldId, post);
    const socket = this.socketFor(post.groupId);
    if (socket?.connected) socket.resend(post);
    else void this.drainOverHttp(post.input.clientMsgId);
  }

  /** Sends pending posts over HTTP whose socket is down (a socket resends its own on `ready`). */
  async flush(): Promise<void> {
    await Promise.all(this.outbox.list().map((p) => this.drainOverHttp(p.input.clientMsgId)));
  }

  private async drainOverHttp(clientMsgId: string): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      const pending = this.outbox.list().find((p) => p.input.clientMsgId === clientMsgId);
      if (!pending || this.connected(pending.groupId) || !this.outbox.release(pending)) return;
      try {
        const result = await this.session.call((api) => api.post(pending.groupId, pending.input));
        this.outbox.acked(clientMsgId, result);
        return;
      } catch (e) {
        if (e instanceof RelayError && !isRetryable(e.code)) {
          this.outbox.refused(clientMsgId, e.code, e.message);
          return;
        }
      }
      await sleep(backoffDelay(attempt, HTTP_RETRY));
    }
  }

  close(): void {
    this.closed = true;
    this.stop();
  }
}
