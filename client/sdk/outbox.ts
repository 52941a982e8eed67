// Posts waiting for their ack. A post stays here, in order, until the server
// acks it (it is then durably stored) or refuses it for good; retries are
// safe because the server deduplicates on the client message id. A post whose
// epoch closed before it was stored (a member was removed) is not sent again:
// it waits, stale, to be sealed anew in the new epoch (reseal.ts).
import type { MessageKind } from '../../shared/protocol/posting-rules';
import type { Plaintext } from '../../shared/protocol/plaintext';
import type { PostMessageInput, PostResult } from '../../shared/schemas/messages';

/** What a post says, kept (sealed at rest by the store) so it can be sealed again in a newer epoch. */
export interface ResealInput {
  kind: MessageKind;
  plaintext: Plaintext;
  pinned: boolean;
}

export interface PendingPost {
  groupId: string;
  input: PostMessageInput;
  reseal?: ResealInput;
  /** its epoch closed before the server stored it: held back until it is sealed in the new epoch */
  stale?: boolean;
}

/** An ack, with the id the post was finally stored under (a resealed post has a new one). */
export interface PostAck extends PostResult {
  clientMsgId: string;
}

/** Errors a retry can cure; anything else is final for that post. */
const RETRYABLE = new Set(['rate_limited', 'internal_error', 'unauthenticated']);

export const isRetryable = (code: string): boolean => RETRYABLE.has(code);

interface Waiter {
  resolve(result: PostAck): void;
  reject(err: Error & { code?: string }): void;
}

export class Outbox {
  private readonly pending = new Map<string, PendingPost>();
  private readonly waiters = new Map<string, Waiter>();

  /** Called whenever the pending set changes, so the SDK can persist it. */
  onChange: (pending: PendingPost[]) => void = () => {};
  /** Whether a post may leave now; false when its epoch has closed (the SDK's sealing rule). */
  mayLeave: (post: PendingPost) => boolean = () => true;
  /** A post just became stale: the SDK fetches the new key and seals it again. */
  onStale: (post: PendingPost) => void = () => {};

  /** Adds a post; the promise settles on its ack or final refusal. */
  add(post: PendingPost): Promise<PostAck> {
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

  /**
   * Whether this post may be sent now. A stale one may not; one whose epoch
   * has closed since it was sealed becomes stale here, before it leaves.
   */
  release(post: PendingPost): boolean {
    if (!this.pending.has(post.input.clientMsgId) || post.stale) return false;
    if (this.mayLeave(post)) return true;
    this.markStale(post);
    return false;
  }

  acked(clientMsgId: string, result: PostResult): void {
    if (!this.pending.delete(clientMsgId)) return;
    this.onChange(this.list());
    this.waiters.get(clientMsgId)?.resolve({ ...result, clientMsgId });
    this.waiters.delete(clientMsgId);
  }

  refused(clientMsgId: string, code: string, message: string): void {
    const post = this.pending.get(clientMsgId);
    if (!post || isRetryable(code)) return;
    // Never stored (a stored one is acked as a duplicate) and its epoch closed: seal it again.
    if (code === 'epoch_invalid' && post.reseal) return this.markStale(post);
    this.fail(clientMsgId, code, message);
  }

  /** Drops a post for good and rejects its sender's promise. */
  fail(clientMsgId: string, code: string, message: string): void {
    if (!this.pending.delete(clientMsgId)) return;
    this.onChange(this.list());
    this.waiters.get(clientMsgId)?.reject(Object.assign(new Error(message), { code }));
    this.waiters.delete(clientMsgId);
  }

  /** Whether someone is waiting for this post's ack (a send in progress, not a post restored from an earlier run). */
  awaited(clientMsgId: string): boolean {
    return this.waiters.has(clientMsgId);
  }

  /** A stale post sealed again: the new one takes its place (and its waiting sender). */
  replace(oldId: string, post: PendingPost): void {
    if (!this.pending.delete(oldId)) return;
    const id = post.input.clientMsgId;
    this.pending.set(id, post);
    const waiter = this.waiters.get(oldId);
    this.waiters.delete(oldId);
    if (waiter) this.waiters.set(id, waiter);
    this.onChange(this.list());
  }

  private markStale(post: PendingPost): void {
    if (!post.reseal) return this.fail(post.input.clientMsgId, 'epoch_invalid', 'the epoch is not current');
    post.stale = true;
    this.onChange(this.list());
    this.onStale(post);
  }
}
