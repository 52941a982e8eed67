// deps.hub for the Worker's HTTP routes. createApp is built once per isolate,
// but hub calls must stay within the request that made them (Workers forbid
// I/O on behalf of another request), so each request gets its own forwarding
// hub through AsyncLocalStorage and waits for it with waitUntil.
import { AsyncLocalStorage } from 'node:async_hooks';
import { forwardingHub, type ForwardingHub } from '../live/forwarding-hub';
import type { Hub } from '../live/hub';
import type { WorkerEnv } from './env';
import { log } from './log';

const current = new AsyncLocalStorage<ForwardingHub>();

function groupHubFor(env: WorkerEnv): ForwardingHub {
  return forwardingHub((groupId, ops) => env.GROUPS.get(env.GROUPS.idFromName(groupId)).deliver(groupId, ops), log);
}

function active(): ForwardingHub {
  const hub = current.getStore();
  if (!hub) throw new Error('hub used outside a request');
  return hub;
}

/** The hub handed to createApp: it forwards to the current request's hub. */
export const requestHub: Hub = {
  attach: () => true,
  detach: () => undefined,
  publish: (groupId, frame, only) => active().publish(groupId, frame, only),
  membersChanged: (groupId, added, removed) => active().membersChanged(groupId, added, removed),
};

/** Runs `handle` with a fresh hub, and keeps the request alive until its deliveries are done. */
export async function withRequestHub<T>(env: WorkerEnv, ctx: ExecutionContext, handle: () => Promise<T>): Promise<T> {
  const hub = groupHubFor(env);
  try {
    return await current.run(hub, handle);
  } finally {
    ctx.waitUntil(hub.settled());
  }
}
