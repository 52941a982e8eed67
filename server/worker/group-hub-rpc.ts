// What the Worker calls on a group's Durable Object stub (besides fetch, which
// upgrades a WebSocket). The binding is typed with this interface, not with the
// class, so the Worker's env does not import the object's implementation.
import type { HubOp } from '../live/group-sockets';

export interface GroupHubRpc extends Rpc.DurableObjectBranded {
  /** Applies the operations the Worker's services issued for this group, in order, to its sockets. */
  deliver(groupId: string, ops: HubOp[]): Promise<void>;
}
