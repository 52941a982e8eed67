// The frames that wake an offline device: something new for it to fetch (a
// message or bulletin, a roster change, a key envelope, a join request).
// Replies to its own requests (ack, pong, errors) and rekey hints do not.
import type { ServerFrame } from '../../shared/schemas/ws';

const WAKING: ReadonlySet<ServerFrame['type']> = new Set(['message', 'roster', 'key-envelope', 'join-request']);

export function wakesDevices(frame: ServerFrame): boolean {
  return WAKING.has(frame.type);
}
