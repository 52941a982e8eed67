// One WebSocket connection, runtime-free. The first frame must authenticate;
// then posts go through the same service as HTTP, and the ack is sent only
// after the row is committed. Frames are handled one at a time, in order.
import { clientFrameSchema, MAX_FRAME_BYTES, type ServerFrame, WS_CLOSE } from '../../shared/schemas/ws';
import { sessionTokenHash } from '../../shared/protocol/auth';
import { listDeviceGroupIds } from '../db/repos/groups';
import { findSessionDevice } from '../db/repos/sessions';
import type { AppDeps } from '../deps';
import { toApiError } from '../errors';
import { deviceForToken } from '../services/access';
import { postMessage } from '../services/messages';
import type { LivePeer } from './hub';

export interface SocketTransport {
  send(text: string): void;
  close(code: number, reason: string): void;
}

/** What survives a hibernation: enough to rebuild an authenticated session. */
export interface SessionAttachment {
  deviceId: string;
  groups: string[];
}

export class SocketSession {
  private peer: LivePeer | null = null;
  private closed = false;
  private queue: Promise<void> = Promise.resolve();
  /** hash of the token this socket authenticated with, to notice a logout or expiry */
  private tokenHash: string | null = null;

  /**
   * `scope` limits the socket to one group (the portable endpoint
   * /v1/groups/{groupId}/ws, one Durable Object per group on Workers);
   * without it the socket follows all the device's groups (/v1/ws on Node).
   */
  constructor(
    private readonly deps: AppDeps,
    private readonly transport: SocketTransport,
    private readonly scope?: string,
  ) {}

  /** Rebuilds an authenticated session after a runtime woke a hibernated socket. */
  resume(attachment: SessionAttachment): void {
    this.peer = this.makePeer(attachment.deviceId);
  }

  get attachment(): SessionAttachment | null {
    return this.peer ? { deviceId: this.peer.deviceId, groups: this.scope ? [this.scope] : [] } : null;
  }

  private makePeer(deviceId: string): LivePeer {
    const transport = this.transport;
    return {
      deviceId,
      send: (t) => transport.send(t),
      close: (c, r) => this.shut(c, r),
      revalidate: () => this.revalidate(),
    };
  }

  get authenticated(): boolean {
    return this.peer !== null;
  }

  onFrame(text: string): void {
    this.queue = this.queue
      .then(() => this.handle(text))
      .catch((err) => this.deps.log.error(`ws_error ${(err as Error).name}`));
  }

  /** Resolves when every frame received so far has been handled (and acked). */
  drain(): Promise<void> {
    return this.queue;
  }

  /**
   * Closes the socket if the session it authenticated with has ended (logout,
   * logout everywhere, expiry): a stolen token must not keep a socket open.
   */
  async revalidate(): Promise<void> {
    const peer = this.peer;
    if (!peer || !this.tokenHash) return;
    const device = await findSessionDevice(this.deps.db, this.tokenHash, this.deps.clock.now());
    if (device !== peer.deviceId) this.shut(WS_CLOSE.unauthenticated, 'session ended');
  }

  onClose(): void {
    this.closed = true;
    if (this.peer) this.deps.hub.detach(this.peer);
    this.peer = null;
  }

  private reply(frame: ServerFrame): void {
    if (!this.closed) this.transport.send(JSON.stringify(frame));
  }

  private shut(code: number, reason: string): void {
    if (this.closed) return;
    this.transport.close(code, reason);
    this.onClose();
  }

  private async handle(text: string): Promise<void> {
    if (this.closed) return;
    if (text.length > MAX_FRAME_BYTES) return this.shut(WS_CLOSE.frameTooLarge, 'frame too large');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = clientFrameSchema.safeParse(json);
    if (!this.peer) {
      if (!parsed.success || parsed.data.type !== 'auth')
        return this.shut(WS_CLOSE.unauthenticated, 'authenticate first');
      return this.authenticate(parsed.data.token);
    }
    if (!parsed.success)
      return this.reply({
        type: 'error',
        ...refOf(json),
        code: 'validation_failed',
        message: 'frame does not match any client frame',
      });
    const frame = parsed.data;
    switch (frame.type) {
      case 'ping':
        return this.reply({ type: 'pong' });
      case 'auth':
        return this.reply({ type: 'error', code: 'bad_request', message: 'already authenticated' });
      case 'post': {
        const { type: _t, ref, groupId, ...input } = frame;
        if (this.scope && groupId !== this.scope)
          return this.reply({ type: 'error', ref, code: 'not_member', message: 'this socket is for another group' });
        try {
          const result = await postMessage(this.deps, this.peer.deviceId, groupId, input);
          return this.reply({ type: 'ack', ref, ...result });
        } catch (err) {
          const { error } = toApiError(err);
          return this.reply({ type: 'error', ref, code: error.code, message: error.message });
        }
      }
    }
  }

  private async authenticate(token: string): Promise<void> {
    let deviceId: string;
    try {
      deviceId = await deviceForToken(this.deps, token);
    } catch {
      return this.shut(WS_CLOSE.unauthenticated, 'invalid session');
    }
    const groups = await listDeviceGroupIds(this.deps.db, deviceId);
    if (this.scope && !groups.includes(this.scope))
      return this.shut(WS_CLOSE.unauthenticated, 'not a member of this group');
    if (this.closed) return;
    const peer = this.makePeer(deviceId);
    const subscribed = this.scope ? [this.scope] : groups;
    if (!this.deps.hub.attach(peer, subscribed))
      return this.shut(WS_CLOSE.tooManyConnections, 'too many connections for this device');
    this.peer = peer;
    this.tokenHash = sessionTokenHash(token);
    this.reply({ type: 'ready', deviceId, groups: subscribed });
  }
}

/** The ref of a frame that failed validation, if it has a usable one, so the client can match the error. */
function refOf(json: unknown): { ref?: string } {
  const ref = (json as { ref?: unknown } | null)?.ref;
  return typeof ref === 'string' && ref.length > 0 && ref.length <= 64 ? { ref } : {};
}
