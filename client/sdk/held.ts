// Chat messages written while the relay cannot be reached. They are
// kept unsealed (what they say, sealed at rest by the store like everything
// else) until the group's socket is up, and sealed only then: a message the
// person cancels meanwhile has spent no counter of her sending chain, so the
// others never see a gap where it would have been, and it can never leave the
// device later. Once sealed, a post is in the outbox and can no longer be
// withdrawn (the relay may already hold it).
import type { Core } from './core';
import { ClientError } from './errors';
import type { ResealInput } from './outbox';
import type { DocumentStore } from './store';

export const HELD_DOC = 'held';

export interface HeldPost {
  groupId: string;
  /** the id it will be sealed under (the relay's clientMsgId): what the app shows and cancels */
  messageId: string;
  post: ResealInput;
  /** when she wrote it (Unix ms) */
  queuedAt: number;
}

export interface HeldWaiter {
  resolve(sealed: { messageId: string; seq: number }): void;
  reject(err: Error): void;
}

export class HeldQueue {
  private posts: HeldPost[] = [];
  private readonly waiters = new Map<string, HeldWaiter>();
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly store: DocumentStore) {}

  /** Restores what an earlier run held; a post that reached the outbox before a crash is not held twice. */
  async restore(inOutbox: (messageId: string) => boolean): Promise<void> {
    const stored = (await this.store.read<HeldPost[]>(HELD_DOC)) ?? [];
    this.posts = stored.filter((p) => !inOutbox(p.messageId));
    if (this.posts.length !== stored.length) await this.save();
  }

  /** Holds a post: `saved` once it is stored; `done` settles once it is sealed and acked, refused for good, or cancelled. */
  add(held: HeldPost): { saved: Promise<void>; done: Promise<{ messageId: string; seq: number }> } {
    this.posts.push(held);
    const done = new Promise<{ messageId: string; seq: number }>((resolve, reject) =>
      this.waiters.set(held.messageId, { resolve, reject }),
    );
    return { saved: this.save(), done };
  }

  list(groupId?: string): HeldPost[] {
    return this.posts.filter((p) => groupId === undefined || p.groupId === groupId);
  }

  has(groupId: string, messageId: string): boolean {
    return this.posts.some((p) => p.groupId === groupId && p.messageId === messageId);
  }

  /** Takes a post out (sealed into the outbox, cancelled, or refused); returns its waiter, if someone awaits it. */
  async take(messageId: string): Promise<HeldWaiter | undefined> {
    this.posts = this.posts.filter((p) => p.messageId !== messageId);
    await this.save();
    const waiter = this.waiters.get(messageId);
    this.waiters.delete(messageId);
    return waiter;
  }

  /** Writes in order: each save stores the list as it was when it was asked for. */
  private save(): Promise<void> {
    const posts = [...this.posts];
    this.saving = this.saving
      .catch(() => {})
      .then(() => (posts.length ? this.store.write(HELD_DOC, posts) : this.store.remove(HELD_DOC)));
    return this.saving;
  }
}

/** Drops every post held for the group (she was removed): never sealed, and their senders told. The caller holds the lock. */
export async function dropHeld(core: Core, groupId: string): Promise<void> {
  const held = core.held.list(groupId);
  for (const p of held) {
    const waiter = await core.held.take(p.messageId);
    waiter?.reject(new ClientError('removed', 'this device is no longer a member of the group'));
  }
  if (held.length) core.emit({ type: 'queue', groupId });
}
