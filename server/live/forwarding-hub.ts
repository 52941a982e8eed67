// A hub for a process that holds no sockets (a Worker answering HTTP): it
// forwards each group's operations to whoever holds that group's sockets (its
// Durable Object). Operations issued together are sent as one call, and calls
// for one group go out one after the other, so a roster frame always reaches
// the sockets before the removed devices' sockets are closed.
import type { Logger } from '../deps';
import type { HubOp } from './group-sockets';
import type { Hub } from './hub';
import { opsHub } from './ops-hub';

export type DeliverOps = (groupId: string, ops: HubOp[]) => Promise<void>;

export interface ForwardingHub extends Hub {
  /** Resolves when every operation issued so far has been delivered (or has failed and been logged). */
  settled(): Promise<void>;
}

export function forwardingHub(deliver: DeliverOps, log: Logger): ForwardingHub {
  const open = new Map<string, HubOp[]>(); // batches not sent yet, per group
  const tails = new Map<string, Promise<void>>(); // the last call per group
  const pending = new Set<Promise<void>>();

  const enqueue = (groupId: string, op: HubOp): void => {
    const batch = open.get(groupId);
    if (batch) return void batch.push(op);
    const ops = [op];
    open.set(groupId, ops);
    const call = (tails.get(groupId) ?? Promise.resolve())
      .then(() => {
        open.delete(groupId);
        return deliver(groupId, ops);
      })
      .catch((err: Error) => log.error(`hub_forward_failed ${err.name}`))
      .finally(() => {
        pending.delete(call);
        if (tails.get(groupId) === call) tails.delete(groupId);
      });
    tails.set(groupId, call);
    pending.add(call);
  };

  return {
    // Nobody connects to this hub: sockets live with the group's holder.
    ...opsHub(enqueue, () => true),
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
