// One Durable Object per group: it holds the group's WebSockets with the
// Hibernation API. Each socket's state lives in its attachment, so after an
// eviction the object rebuilds its SocketSessions from the attachments when a
// frame wakes it. Frames are handled by the same SocketSession as on Node
// (first-frame auth, posts through the message service, ack after commit).
import { DurableObject } from 'cloudflare:workers';
import { WS_CLOSE } from '../../shared/schemas/ws';
import { DEFAULT_SOCKET_LIMITS } from '../config';
import type { AppDeps } from '../deps';
import { errorBody } from '../error-body';
import {
  applyHubOps,
  deviceSocketCount,
  liveDevices,
  type GroupSocket,
  type GroupSocketState,
  type HubOp,
  overdueSockets,
} from '../live/group-sockets';
import type { Hub } from '../live/hub';
import { opsHub } from '../live/ops-hub';
import { socketScope } from '../live/socket-path';
import type { SocketSession } from '../live/socket-session';
import type { WorkerEnv } from './env';
import type { GroupHubRpc } from './group-hub-rpc';
import { loadRuntime } from './lazy-runtime';
import { log } from './log';

/** A group object takes the default socket limits (config.ts); its variables are the app's, not the sockets'. */
const LIMITS = DEFAULT_SOCKET_LIMITS;

function stateOf(ws: WebSocket): GroupSocketState | null {
  try {
    return (ws.deserializeAttachment() as GroupSocketState | null) ?? null;
  } catch {
    return null;
  }
}

function sendQuietly(ws: WebSocket, text: string): void {
  try {
    ws.send(text);
  } catch {
    // closing: the client catches up over HTTP
  }
}

function closeQuietly(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code, reason);
  } catch {
    // already closed
  }
}

export class GroupHub extends DurableObject<WorkerEnv> implements GroupHubRpc {
  private readonly sessions = new Map<WebSocket, SocketSession>();
  private deps: Promise<{ deps: AppDeps; Session: typeof SocketSession }> | null = null;

  // No setWebSocketAutoResponse for {"type":"ping"}: it would answer a ping
  // sent before auth, where the protocol (as on Node) closes with 4001.

  async deliver(groupId: string, ops: HubOp[]): Promise<void> {
    this.applyHere(groupId, ops);
  }

  /**
   * Fan-out to this group's sockets, then a push to each subscribed member
   * without one (after commit: the services publish once the rows are
   * stored). The push runs in the background, kept alive with waitUntil.
   */
  private applyHere(groupId: string, ops: readonly HubOp[]): void {
    const sockets = this.sockets();
    applyHubOps(sockets, groupId, ops);
    const wakes = ops.filter((op) => op.type === 'publish' && op.wake);
    if (wakes.length === 0) return;
    const isLive = this.liveCheck();
    const pushed = this.runtime().then(({ deps }) => {
      if (!deps.push) return;
      for (const op of wakes) if (op.type === 'publish') deps.push.notifier.wake(groupId, op.only, isLive);
      return deps.push.notifier.idle();
    });
    this.ctx.waitUntil(pushed.catch((err: Error) => log.error(`push_wake_failed ${err.name}`)));
  }

  override async fetch(request: Request): Promise<Response> {
    const groupId = socketScope(new URL(request.url).pathname);
    if (typeof groupId !== 'string' || request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
      return Response.json(errorBody('bad_request', 'expected a WebSocket upgrade'), { status: 426 });
    }
    if (this.ctx.getWebSockets().length >= LIMITS.maxSocketsPerGroup)
      return Response.json(errorBody('too_many_connections', 'this group has too many open sockets'), { status: 503 });
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({ groupId, since: Date.now() } satisfies GroupSocketState);
    if ((await this.ctx.storage.getAlarm()) === null)
      await this.ctx.storage.setAlarm(Date.now() + LIMITS.authTimeoutMs);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const session = await this.session(ws);
    if (!session) return closeQuietly(ws, WS_CLOSE.unauthenticated, 'authenticate first');
    const wasAuthenticated = session.authenticated;
    session.onFrame(typeof message === 'string' ? message : '');
    await session.drain();
    const attachment = session.attachment;
    const state = stateOf(ws);
    if (!wasAuthenticated && attachment && state) {
      try {
        ws.serializeAttachment({ ...state, session: attachment } satisfies GroupSocketState);
      } catch {
        // closed meanwhile
      }
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    this.forget(ws);
    // Complete the closing handshake (1005/1006 cannot be sent back).
    closeQuietly(ws, code === 1005 || code === 1006 ? WS_CLOSE.normal : code, reason);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.forget(ws);
  }

  /** Closes sockets that did not authenticate in time. */
  override async alarm(): Promise<void> {
    const { overdue, nextDue } = overdueSockets(this.sockets(), Date.now(), LIMITS.authTimeoutMs);
    for (const s of overdue) s.close(WS_CLOSE.unauthenticated, 'authenticate first');
    if (nextDue !== null) await this.ctx.storage.setAlarm(nextDue);
  }

  private forget(ws: WebSocket): void {
    this.sessions.get(ws)?.onClose();
    this.sessions.delete(ws);
  }

  /**
   * Whether a device has an authenticated socket here. The sockets are read
   * once per turn, not once per device asked: a wake for an epoch's envelopes
   * asks about every member (5,000 in the largest group).
   */
  private liveCheck(): (deviceId: string) => boolean {
    let live: ReadonlySet<string> | null = null;
    return (deviceId) => {
      if (!live) {
        live = liveDevices(this.sockets());
        queueMicrotask(() => {
          live = null;
        });
      }
      return live.has(deviceId);
    };
  }

  private sockets(): GroupSocket[] {
    return this.ctx.getWebSockets().map((ws) => ({
      state: stateOf(ws),
      send: (text) => sendQuietly(ws, text),
      close: (code, reason) => {
        this.forget(ws);
        closeQuietly(ws, code, reason);
      },
    }));
  }

  /** Inside the object, the hub is the object itself: fan-out goes straight to its sockets. */
  private localHub(): Hub {
    return opsHub(
      (groupId, op) => this.applyHere(groupId, [op]),
      (peer) => deviceSocketCount(this.sockets(), peer.deviceId) < LIMITS.maxSocketsPerDevice,
    );
  }

  /** The object's deps (its hub is the object itself) and the session class, loaded on first use. */
  private runtime(): Promise<{ deps: AppDeps; Session: typeof SocketSession }> {
    this.deps ??= loadRuntime()
      .then(async (rt) => ({ deps: await rt.workerDeps(this.env, this.localHub()), Session: rt.SocketSession }))
      .catch((err: unknown) => {
        this.deps = null;
        throw err;
      });
    return this.deps;
  }

  /** The socket's session, rebuilt from its attachment after a wake-up. */
  private async session(ws: WebSocket): Promise<SocketSession | null> {
    const { deps, Session } = await this.runtime();
    const existing = this.sessions.get(ws);
    if (existing) return existing;
    const state = stateOf(ws);
    if (!state) return null;
    const session = new Session(
      deps,
      {
        send: (text) => sendQuietly(ws, text),
        close: (code, reason) => {
          this.sessions.delete(ws);
          closeQuietly(ws, code, reason);
        },
      },
      state.groupId,
    );
    if (state.session) {
      // An authenticated socket without a session: this instance was woken after an eviction.
      session.resume(state.session);
      log.info('group_socket_session resumed');
    }
    this.sessions.set(ws, session);
    return session;
  }
}
