// Posting with an ack: over the live socket when it is up, else over HTTP,
// retrying with the same client message id until the server stores it (the
// server deduplicates on that id, so a retry never makes a second message).
// Pending posts are persisted, so a restarted client resends them.
import type { PostMessageInput, PostResult } from '../../shared/schemas/messages';
import { isRetryable, type PendingPost } from './outbox';
import { LiveSocket, type LiveSocketOptions } from './live-socket';
import { RelayError } from './relay-api';
import type { Session } from './session';
import type { DocumentStore } from './store';

const OUTBOX_DOC = 'outbox';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Transport {
  readonly socket: LiveSocket;
  private closed = false;

  constructor(
    private readonly session: Session,
    private readonly store: DocumentStore,
    socket: Omit<LiveSocketOptions, 'token'>,
  ) {
    this.socket = new LiveSocket({ ...socket, token: () => session.token() });
    this.socket.outbox.onChange = (pending) => void this.store.write(OUTBOX_DOC, pending).catch(() => {});
  }

  /** Restores posts an earlier run left unacknowledged. */
  async restore(): Promise<void> {
    this.socket.outbox.restore((await this.store.read<PendingPost[]>(OUTBOX_DOC)) ?? []);
  }

  /** Resolves with the stored sequence once the server acked; rejects only on a final refusal. */
  post(groupId: string, input: PostMessageInput): Promise<PostResult> {
    const done = this.socket.post({ groupId, input });
    if (!this.socket.connected) void this.drainOverHttp(input.clientMsgId);
    return done;
  }

  /** Sends pending posts over HTTP while the socket is down (the socket resends them itself on `ready`). */
  async flush(): Promise<void> {
    await Promise.all(this.socket.outbox.list().map((p) => this.drainOverHttp(p.input.clientMsgId)));
  }

  private async drainOverHttp(clientMsgId: string): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      const pending = this.socket.outbox.list().find((p) => p.input.clientMsgId === clientMsgId);
      if (!pending || this.socket.connected) return;
      try {
        const result = await this.session.call((api) => api.post(pending.groupId, pending.input));
        this.socket.outbox.acked(clientMsgId, result);
        return;
      } catch (e) {
        if (e instanceof RelayError && !isRetryable(e.code)) {
          this.socket.outbox.refused(clientMsgId, e.code, e.message);
          return;
        }
      }
      await sleep(Math.min(10_000, 250 * 2 ** attempt));
    }
  }

  close(): void {
    this.closed = true;
    this.socket.stop();
  }
}
