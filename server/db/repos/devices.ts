import type { Db } from '../database';
import type { DevicesTable } from '../tables';

export async function findDevice(db: Db, id: string): Promise<DevicesTable | undefined> {
  return db.kysely.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findDevices(db: Db, ids: readonly string[]): Promise<DevicesTable[]> {
  if (ids.length === 0) return [];
  return db.kysely.selectFrom('devices').selectAll().where('id', 'in', ids).execute();
}

/** Registers a device; registering the same identity again is a no-op. Returns whether it was new. */
export async function insertDevice(db: Db, row: DevicesTable): Promise<boolean> {
  const res = await db.kysely.insertInto('devices').values(row).onConflict((oc) => oc.column('id').doNothing()).executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Replaces the key-exchange key only with a newer version; returns whether it did. */
export async function updateKx(db: Db, id: string, kx: Pick<DevicesTable, 'kx_pk' | 'kx_version' | 'kx_sig'>): Promise<boolean> {
  const res = await db.kysely
    .updateTable('devices')
    .set(kx)
    .where('id', '=', id)
    .where('kx_version', '<', kx.kx_version)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}
