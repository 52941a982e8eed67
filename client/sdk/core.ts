// What the parts of the client share: the session, the sealed store, this
// device's identity, the groups it holds, a lock per group and the event bus.
import type { ClientEvent } from './events';
import type { GroupState } from './group-state';
import type { Identity } from './identity';
import type { SealedStore } from './sealed-store';
import type { Session } from './session';
import type { Transport } from './transport';

export interface Core {
  readonly session: Session;
  readonly store: SealedStore;
  readonly transport: Transport;
  readonly states: Map<string, GroupState>;
  identity: Identity;
  now(): number;
  emit(event: ClientEvent): void;
  /** Runs `fn` alone for this group: every read-modify-write of a group's state goes through here. */
  lock<T>(groupId: string, fn: () => Promise<T>): Promise<T>;
}

/** One promise chain per key. */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => {});
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}
