// What the parts of the client share: the session, the sealed store, this
// device's identity, the groups it holds, a lock per group, the event bus,
// and the few client steps the parts call back into.
import { ClientError } from './errors';
import type { ClientEvent } from './events';
import type { GroupState } from './group-state';
import type { HeldQueue } from './held';
import type { Identity } from './identity';
import type { SealedStore } from './sealed-store';
import type { Session } from './session';
import type { Transport } from './transport';

export interface Core {
  readonly session: Session;
  readonly store: SealedStore;
  readonly transport: Transport;
  readonly states: Map<string, GroupState>;
  /** messages written while the relay could not be reached, not sealed yet */
  readonly held: HeldQueue;
  identity: Identity;
  now(): number;
  emit(event: ClientEvent): void;
  /** Runs `fn` alone for this group: every read-modify-write of a group's state goes through here. */
  lock<T>(groupId: string, fn: () => Promise<T>): Promise<T>;
  /** Work nobody awaits (frames, announcements); close() waits for it. */
  inBackground(work: Promise<unknown>): void;
  /** Syncs one group; the caller holds its lock. */
  syncLocked(groupId: string): Promise<void>;
  /** Posts this device's profile (and the group name) and its epoch-check in the newest epoch (only the check: `checkOnly`); must not be awaited under the group's lock. */
  announceSelf(state: GroupState, withName: boolean, checkOnly?: boolean): Promise<void>;
}

export function requireGroup(core: Core, groupId: string): GroupState {
  const g = core.states.get(groupId);
  if (!g) throw new ClientError('unknown_group', 'this device holds no such group');
  return g;
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
