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

export function applyHubOps(sockets: readonly GroupSocket[], groupId: string, ops: readonly HubOp[]): void {
  for (const op of ops) {
    const only = op.type === 'publish' ? op.only && new Set(op.only) : new Set(op.devices);
    for (const socket of sockets) {
      const device = socket.state?.groupId === groupId ? socket.state.session?.deviceId : undefined;
      if (device === undefined || (only && !only.has(device))) continue;
      if (op.type === 'publish') socket.send(op.text);
      else socket.close(1000, REMOVED_REASON);
    }
  }
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
