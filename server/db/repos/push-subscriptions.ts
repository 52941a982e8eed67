// The push endpoints of devices that opted in: one row per device.
import { type Db, MAX_BOUND_PARAMETERS, type Statement } from '../database';

export async function savePushSubscription(db: Db, deviceId: string, endpoint: string): Promise<void> {
  await db.kysely
    .insertInto('push_subscriptions')
    .values({ device_id: deviceId, endpoint })
    .onConflict((oc) => oc.column('device_id').doUpdateSet({ endpoint }))
    .execute();
}

/** The statement that forgets a device's endpoint (unsubscribe, logout), for `atomic` with others. */
export function deletePushSubscription(db: Db, deviceId: string): Statement {
  return db.kysely.deleteFrom('push_subscriptions').where('device_id', '=', deviceId);
}

/** Forgets the endpoint the push service said is gone, unless the device has subscribed anew meanwhile. */
export async function deleteGonePushSubscription(db: Db, deviceId: string, endpoint: string): Promise<void> {
  await db.kysely
    .deleteFrom('push_subscriptions')
    .where('device_id', '=', deviceId)
    .where('endpoint', '=', endpoint)
    .execute();
}

export interface PushTarget {
  deviceId: string;
  endpoint: string;
}

/** More devices than this are looked up as the whole group and picked out here (D1 binds at most 100 parameters). */
const TARGETS_BY_ID = MAX_BOUND_PARAMETERS - 10;

/** The subscribed devices among a group's members, or among `only` of them. */

export async function listPushTargets(db: Db, groupId: string, only?: readonly string[]): Promise<PushTarget[]> {
  if (only && only.length === 0) return [];
  const query = db.kysely
    .selectFrom('memberships')
    .innerJoin('push_subscriptions', 'push_subscriptions.device_id', 'memberships.device_id')
    .select(['memberships.device_id as deviceId', 'push_subscriptions.endpoint as endpoint'])
    .where('memberships.group_id', '=', groupId);
  if (only && only.length <= TARGETS_BY_ID) return query.where('memberships.device_id', 'in', [...only]).execute();
  const rows = await query.execute();
  if (!only) return rows;
  const wanted = new Set(only);
  return rows.filter((r) => wanted.has(r.deviceId));
}
