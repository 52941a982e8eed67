// The live hub: who is connected to which group, and fan-out. One
// implementation per runtime (in memory on Node; a Durable Object per group on
// Workers). Frames are serialised once per publish, not once per recipient.
import type { ServerFrame } from '../../shared/schemas/ws';

export interface LivePeer {
  readonly deviceId: string;
  /** Sends a text frame; the runtime adapter cuts off a peer that does not keep up. */
  send(text: string): void;
  close(code: number, reason: string): void;
  /** Closes the peer if the session it authenticated with has ended. */
  revalidate?(): Promise<void>;
}

export interface Hub {
  /** Subscribes the peer to its groups; false if its device already has too many connections. */
  attach(peer: LivePeer, groupIds: readonly string[]): boolean;
  detach(peer: LivePeer): void;
  /** Sends to every peer in the group, or only to the listed devices. */
  publish(groupId: string, frame: ServerFrame, onlyDevices?: readonly string[]): void;
  /** Keeps subscriptions in step with the roster: removed devices stop receiving at once. */
  membersChanged(groupId: string, added: readonly string[], removed: readonly string[]): void;
  /** A device's sessions were ended (logout): its peers check theirs now, not at the next heartbeat. */
  sessionsEnded?(deviceId: string): void;
}
