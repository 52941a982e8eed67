// Fan-out over the sockets of one group, for a hub that keeps its per-socket
// state with the sockets themselves (a Durable Object with hibernating
// WebSockets: the state is the socket's attachment and survives eviction).
// Pure: no runtime types, so it is unit tested on Node.
import type { SessionAttachment } from './socket-session';

/** What a group socket remembers across hibernation. */
export interface GroupSocketState {
  groupId: string;
  /** when the socket was accepted (ms), to close it if it never authenticates */
  since: number;
  /** set once the first frame authenticated the socket */
  session?: SessionAttachment;
}

export interface GroupSocket {
  readonly state: GroupSocketState | null;
  send(text: string): void;
  close(code: number, reason: string): void;
}

/**
 * One hub operation, in the order the services issued them. `publish` carries
 * the frame already serialised (once, by the caller), and `wake` when devices
 * without a socket get a push for it (push/wake-frames.ts); `remove` closes
 * the sockets of devices that left the roster.
 */
export type HubOp =
  | { type: 'publish'; text: string; only?: readonly string[]; wake?: true }
  | { type: 'remove'; devices: readonly string[] };

/** Close reason for a device removed from the roster; it must not keep listening. */
export const REMOVED_REASON = 'no longer a member of this group';

/**
 * The sockets are indexed by device once per call, so a batch of one publish
 * per member (an epoch's envelopes: 5,000 in the largest group) costs the ops
 * plus the sockets, not their product. A removed device's sockets are closed
 * and receive nothing the batch publishes after its removal.
 */
export function applyHubOps(sockets: readonly GroupSocket[], groupId: string, ops: readonly HubOp[]): void {
  const byDevice = new Map<string, GroupSocket[]>();
  for (const socket of sockets) {
    const device = socket.state?.groupId === groupId ? socket.state.session?.deviceId : undefined;
    if (device === undefined) continue;
    const mine = byDevice.get(device);
    if (mine) mine.push(socket);
    else byDevice.set(device, [socket]);
  }
  for (const op of ops) {
    const devices = op.type === 'publish' ? op.only : op.devices;
    const targets = devices
      ? [...new Set(devices)].flatMap((d) => byDevice.get(d) ?? [])
      : [...byDevice.values()].flat();
    if (op.type === 'remove') for (const device of op.devices) byDevice.delete(device);
    for (const socket of targets) {
      if (op.type === 'publish') socket.send(op.text);
      else socket.close(1000, REMOVED_REASON);
    }
  }
}

/** The devices with an authenticated socket among these. */
export function liveDevices(sockets: readonly GroupSocket[]): Set<string> {
  const live = new Set<string>();
  for (const s of sockets) if (s.state?.session) live.add(s.state.session.deviceId);
  return live;
}

export function deviceSocketCount(sockets: readonly GroupSocket[], deviceId: string): number {
  return sockets.filter((s) => s.state?.session?.deviceId === deviceId).length;
}

/** Sockets that have not authenticated within `timeoutMs`, and when the next one will be due. */
export function overdueSockets(
  sockets: readonly GroupSocket[],
  now: number,
  timeoutMs: number,
): { overdue: GroupSocket[]; nextDue: number | null } {
  const overdue: GroupSocket[] = [];
  let nextDue: number | null = null;
  for (const socket of sockets) {
    const state = socket.state;
    if (state?.session) continue;
    if (!state) {
      overdue.push(socket);
      continue;
    }
    const due = state.since + timeoutMs;
    if (due <= now) overdue.push(socket);
    else nextDue = nextDue === null ? due : Math.min(nextDue, due);
  }
  return { overdue, nextDue };
}
