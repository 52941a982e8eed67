// Push subscriptions: the relay's public key, and one endpoint per device
// that opted in. Nothing about a push's content exists to store.
import { deletePushSubscription, savePushSubscription } from '../db/repos/push-subscriptions';
import type { AppDeps } from '../deps';
import { fail } from '../errors';
import type { PushDeps } from '../push/push-deps';
import { isAllowedPushEndpoint } from '../push/endpoint-policy';

function requirePush(deps: AppDeps): PushDeps {
  if (!deps.push) fail(404, 'push_unavailable', 'this relay does not send pushes');
  return deps.push;
}

export function pushPublicKey(deps: AppDeps): { publicKey: string } {
  return { publicKey: requirePush(deps).settings.keys.publicKey };
}

export async function subscribePush(deps: AppDeps, deviceId: string, endpoint: string): Promise<void> {
  const push = requirePush(deps);
  if (!isAllowedPushEndpoint(endpoint, push.settings.allowedOrigins))
    fail(400, 'push_endpoint_refused', 'the endpoint is not on a known push service');
  await savePushSubscription(deps.db, deviceId, endpoint);
}

/** Works with push off too: a device can always make the relay forget its endpoint. */
export async function unsubscribePush(deps: AppDeps, deviceId: string): Promise<void> {
  await deps.db.atomic([deletePushSubscription(deps.db, deviceId)]);
}
