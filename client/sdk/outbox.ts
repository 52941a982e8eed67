// Posts waiting for their ack. A post stays here, in order, until the server
// acks it (it is then durably stored) or refuses it for good; retries are
// safe because the server deduplicates on the client message id.
import type { PostMessageInput, PostResult } from '../../shared/schemas/messages';

export interface PendingPost {
  groupId: string;
  input: PostMessageInput;
}

/** Errors a retry can cure; anything else is final for that post. */
const RETRYABLE = new Set(['rate_limited', 'internal_error', 'unauthenticated']);

export const isRetryable = (code: string): boolean => RETRYABLE.has(code);

interface Waiter {
  resolve(result: PostResult): void;
  reject(err: Error & { code?: string }): void;
}

export class Outbox {
  private readonly pending = new Map<string, PendingPost>();
  private readonly waiters = new Map<string, Waiter>();

  /** Called whenever the pending set changes, so the SDK can persist it. */
  onChange: (pending: PendingPost[]) => void = () => {};

  /** Adds a post; the promise settles on its ack or final refusal. */
  add(post: PendingPost): Promise<PostResult> {
    const id = post.input.clientMsgId;
    this.pending.set(id, post);
    this.onChange(this.list());
    return new Promise((resolve, reject) => this.waiters.set(id, { resolve, reject }));
  }

  /** Restores posts persisted by an earlier run (their promises are gone; acks just clear them). */
  restore(posts: PendingPost[]): void {
    for (const p of posts) this.pending.set(p.input.clientMsgId, p);
  }

  list(): PendingPost[] {
    return [...this.pending.values()];
  }

  get size(): number {
    return this.pending.size;
  }

  acked(clientMsgId: string, result: PostResult): void {
    if (!this.pending.delete(clientMsgId)) return;
    this.onChange(this.list());
    this.waiters.get(clientMsgId)?.resolve(result);
    this.waiters.delete(clientMsgId);
  }

  refused(clientMsgId: string, code: string, message: string): void {
    if (isRetryable(code) || !this.pending.delete(clientMsgId)) return;
    this.onChange(this.list());
    this.waiters.get(clientMsgId)?.reject(Object.assign(new Error(message), { code }));
    this.waiters.delete(clientMsgId);
  }
}
