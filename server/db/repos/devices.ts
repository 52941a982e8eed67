import { type Db, MAX_BOUND_PARAMETERS } from '../database';
import type { DevicesTable } from '../tables';

export async function findDevice(db: Db, id: string): Promise<DevicesTable | undefined> {
  return db.kysely.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Long id lists are read in chunks that D1 can bind. */
const IDS_PER_QUERY = MAX_BOUND_PARAMETERS - 10;

export async function findDevices(db: Db, ids: readonly string[]): Promise<DevicesTable[]> {
  const rows: DevicesTable[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    rows.push(
      ...(await db.kysely
        .selectFrom('devices')
        .selectAll()
        .where('id', 'in', ids.slice(i, i + IDS_PER_QUERY))
        .execute()),
    );
  }
  return rows;
}

/** Registers a device; registering the same identity again is a no-op. Returns whether it was new. */
export async function insertDevice(db: Db, row: DevicesTable): Promise<boolean> {
  const res = await db.kysely
    .insertInto('devices')
    .values(row)
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Replaces the key-exchange key only with a newer version; returns whether it did. */
export async function updateKx(
  db: Db,
  id: string,
  kx: Pick<DevicesTable, 'kx_pk' | 'kx_version' | 'kx_sig'>,
): Promise<boolean> {
  const res = await db.kysely
    .updateTable('devices')
    .set(kx)
    .where('id', '=', id)
    .where('kx_version', '<', kx.kx_version)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** The device records of a group's current members (one query, whatever the group's size). */
export async function listMemberDevices(db: Db, groupId: string): Promise<DevicesTable[]> {
  return db.kysely
    .selectFrom('memberships')
    .innerJoin('devices', 'devices.id', 'memberships.device_id')
    .selectAll('devices')
    .where('memberships.group_id', '=', groupId)
    .execute();
}
