// The live connection: authenticates in its first frame, reconnects with
// jittered exponential backoff, resends the outbox after every `ready`, and
// tells the SDK when to catch up over HTTP.
import { type ServerFrame, serverFrameSchema, WS_CLOSE } from '../../shared/schemas/ws';
import { backoffDelay } from './backoff';
import { Outbox, type PendingPost } from './outbox';

/** The subset of the WebSocket API used here (browser WebSocket and `ws` both fit). */
export interface WebSocketLike {
  readonly readyState: number;
  send(text: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface LiveSocketOptions {
  url: string;
  openSocket: (url: string) => WebSocketLike;
  /** The current session token, after a fresh login if needed. */
  token: () => Promise<string>;
  onFrame: (frame: ServerFrame) => void;
  /** After each (re)connect: fetch what was missed over HTTP. */
  onReady: (groups: string[]) => void;
  /** A socket that was ready closed (it reconnects on its own). */
  onDown?: () => void;
  /** The server refused the token: drop it so the next token() logs in again. */
  onUnauthenticated?: () => void;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** From opening the socket to the server's `ready`; past it the attempt is dropped and retried. */
  readyTimeoutMs?: number;
  /** an outbox shared with other sockets (one per group) */
  outbox?: Outbox;
  /** set for a group's own socket: it sends only that group's posts */
  groupId?: string;
}

const OPEN = 1;
/** A server that takes longer than this to say `ready` (or a connection that died on the way) is tried again. */
export const READY_TIMEOUT_MS = 15_000;

export class LiveSocket {
  readonly outbox: Outbox;
  private ws: WebSocketLike | null = null;
  private ready = false;
  private stopped = true;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readyTimer: ReturnType<typeof setTimeout> | null = null;
  private refs = 0;

  constructor(private readonly opts: LiveSocketOptions) {
    this.outbox = opts.outbox ?? new Outbox();
  }

  /** Whether this socket carries posts of that group (a device socket carries all). */
  serves(groupId: string): boolean {
    return this.opts.groupId === undefined || this.opts.groupId === groupId;
  }

  get connected(): boolean {
    return this.ready;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.ready = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.clearReadyTimer();
    this.ws?.close(WS_CLOSE.normal, 'bye');
    this.ws = null;
  }

  /** Queues a post; it is sent now if connected, else after the next `ready`. */
  post(post: PendingPost) {
    const done = this.outbox.add(post);
    this.resend(post);
    return done;
  }

  /** Sends a pending post now if connected and it may leave (the outbox's rule); else it waits for the next `ready`. */
  resend(post: PendingPost): void {
    if (this.ready && this.serves(post.groupId) && this.outbox.release(post)) this.sendPost(post);
  }

  private sendPost(p: PendingPost): void {
    this.ws?.send(
      JSON.stringify({ type: 'post', ref: `${++this.refs}:${p.input.clientMsgId}`, groupId: p.groupId, ...p.input }),
    );
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let token: string;
    try {
      token = await this.opts.token();
    } catch {
      return this.retry();
    }
    if (this.stopped) return;
    const ws = this.opts.openSocket(this.opts.url);
    this.ws = ws;
    this.readyTimer = setTimeout(() => this.abandon(ws), this.opts.readyTimeoutMs ?? READY_TIMEOUT_MS);
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token }));
    ws.onmessage = (ev) => this.receive(String(ev.data));
    ws.onerror = () => {};
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      const wasReady = this.ready;
      this.ws = null;
      this.ready = false;
      if (wasReady) this.opts.onDown?.();
      this.clearReadyTimer();
      if (ev.code === WS_CLOSE.unauthenticated) this.opts.onUnauthenticated?.();
      this.retry();
    };
  }

  /**
   * No `ready` in time: a connection that died on the way (a phone changing
   * networks) may never report it, so this attempt is forgotten at once,
   * without waiting for its close, and the next one is scheduled.
   */
  private abandon(ws: WebSocketLike): void {
    this.readyTimer = null;
    if (this.ws !== ws || this.ready) return;
    this.ws = null;
    ws.onmessage = ws.onclose = null;
    ws.close(WS_CLOSE.normal, 'no ready');
    this.retry();
  }

  private clearReadyTimer(): void {
    if (this.readyTimer) clearTimeout(this.readyTimer);
    this.readyTimer = null;
  }

  private retry(): void {
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt++, {
      minMs: this.opts.minBackoffMs ?? 500,
      maxMs: this.opts.maxBackoffMs ?? 30_000,
    });
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, delay);
  }

  /** The platform says the network is back: a socket waiting out its backoff tries at once. */
  retryNow(): void {
    if (this.stopped || this.timer === null) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.attempt = 0;
    void this.connect();
  }

  private receive(text: string): void {
    let frame: ServerFrame;
    try {
      frame = serverFrameSchema.parse(JSON.parse(text));
    } catch {
      return; // a frame this client does not understand is ignored, not fatal
    }
    if (frame.type === 'ready') {
      this.ready = true;
      this.clearReadyTimer();
      this.attempt = 0;
      for (const p of this.outbox.list()) this.resend(p);
      this.opts.onReady(frame.groups);
    } else if (frame.type === 'ack') {
      this.outbox.acked(refToId(frame.ref), { groupId: frame.groupId, seq: frame.seq, duplicate: frame.duplicate });
    } else if (frame.type === 'error' && frame.ref) {
      const id = refToId(frame.ref);
      this.outbox.refused(id, frame.code, frame.message);
      const still = this.outbox.list().find((p) => p.input.clientMsgId === id);
      if (still && !still.stale) setTimeout(() => this.resend(still), 1000); // retryable: try again shortly
    }
    this.opts.onFrame(frame);
  }

  /** For tests and the benchmark: the raw socket state. */
  get socketOpen(): boolean {
    return this.ws?.readyState === OPEN;
  }
}

const refToId = (ref: string): string => ref.slice(ref.indexOf(':') + 1);
