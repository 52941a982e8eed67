// The one place where hub calls become operations (HubOp), for the hubs that
// hand fan-out to whoever holds a group's sockets: the Worker's forwarding
// hub (operations go to the group's Durable Object) and the Durable Object's
// own hub (operations apply to its sockets at once). A frame is serialised
// here, once per publish.
import type { ServerFrame } from '../../shared/schemas/ws';
import type { HubOp } from './group-sockets';
import { wakesDevices } from '../push/wake-frames';
import type { Hub, LivePeer } from './hub';

export function publishOp(frame: ServerFrame, onlyDevices?: readonly string[]): HubOp {
  return {
    type: 'publish',
    text: JSON.stringify(frame),
    ...(onlyDevices ? { only: [...onlyDevices] } : {}),
    ...(wakesDevices(frame) ? { wake: true as const } : {}),
  };
}

/**
 * A hub that emits each call as an operation for its group. Added devices open
 * their own group socket, so only removals become operations. `mayAttach`
 * applies the per-device socket cap where the sockets are.
 */
export function opsHub(emit: (groupId: string, op: HubOp) => void, mayAttach: (peer: LivePeer) => boolean): Hub {
  return {
    attach: (peer) => mayAttach(peer),
    detach: () => undefined,
    publish: (groupId, frame, onlyDevices) => emit(groupId, publishOp(frame, onlyDevices)),
    membersChanged: (groupId, _added, removed) => {
      if (removed.length > 0) emit(groupId, { type: 'remove', devices: [...removed] });
    },
  };
}
