// One integration suite, two targets: the Node server (a child process with a
// SQLite file) or the Worker under local workerd (wrangler dev --local, D1 and
// a Durable Object per group). vitest.config.ts runs the shared files once per
// target; MINDEULLE_TARGET picks it.
import { newId } from './api-client';
import { type ServerOptions, type ServerProcess, startServer } from './server-process';
import { startWorker, type WorkerProcess } from './worker-process';

export type TargetName = 'node' | 'worker';

export const TARGET: TargetName = process.env.MINDEULLE_TARGET === 'worker' ? 'worker' : 'node';
/** Workers have no /v1/ws (a socket for all of a device's groups): only /v1/groups/{groupId}/ws. */
export const onWorker = TARGET === 'worker';

/** Starts a server of the target under test; `sharing` another one makes it use the same data (SQLite file or D1 state). */
export function startTarget(options: ServerOptions = {}, sharing?: ServerProcess): Promise<ServerProcess> {
  if (onWorker)
    return startWorker({ ...options, ...(sharing ? { persistDir: (sharing as WorkerProcess).persistDir } : {}) });
  return startServer({ ...options, ...(sharing ? { dbPath: sharing.dbPath } : {}) });
}

/**
 * The socket a device opens to follow `groupId`: /v1/ws (all its groups) on
 * Node, the group's own socket on Workers. Without a group, on Workers, a
 * socket for some group that nobody is in (enough for handshake tests).
 */
export function socketUrl(server: ServerProcess, groupId?: string): string {
  if (!onWorker) return server.wsUrl;
  return `${server.url.replace(/^http/, 'ws')}/v1/groups/${groupId ?? newId()}/ws`;
}
