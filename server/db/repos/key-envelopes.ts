import type { Db } from '../database';
import type { KeyEnvelopesTable } from '../tables';

/** Stores a batch; an envelope already stored for (group, recipient, epoch) is kept, so a retried upload is harmless. */
export async function insertEnvelopes(db: Db, rows: KeyEnvelopesTable[]): Promise<number> {
  const results = await db.atomic(
    rows.map((r) =>
      db.kysely
        .insertInto('key_envelopes')
        .values(r)
        .onConflict((oc) => oc.columns(['group_id', 'recipient', 'epoch']).doNothing()),
    ),
  );
  return results.reduce((n, r) => n + r.changes, 0);
}

export async function listEnvelopes(db: Db, groupId: string, recipient: string, afterEpoch: number) {
  return db.kysely
    .selectFrom('key_envelopes')
    .select(['epoch', 'sealed'])
    .where('group_id', '=', groupId)
    .where('recipient', '=', recipient)
    .where('epoch', '>', afterEpoch)
    .orderBy('epoch')
    .execute();
}

export async function listMemberIds(db: Db, groupId: string): Promise<Set<string>> {
  const rows = await db.kysely.selectFrom('memberships').select('device_id').where('group_id', '=', groupId).execute();
  return new Set(rows.map((r) => r.device_id));
}
