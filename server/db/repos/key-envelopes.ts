import { type Db, MAX_BOUND_PARAMETERS } from '../database';
import type { KeyEnvelopesTable } from '../tables';

/**
 * Rows per INSERT: each binds its four columns. A batch for a group's 5,000
 * members is 200 statements (in one D1 batch: D1 counts each statement against
 * the queries a Worker invocation may make), not 5,000.
 */
const ENVELOPES_PER_STATEMENT = Math.floor(MAX_BOUND_PARAMETERS / 4);

/** Stores a batch whole or not at all; an envelope already stored for (group, recipient, epoch) is kept, so a retried upload is harmless. */
export async function insertEnvelopes(db: Db, rows: KeyEnvelopesTable[]): Promise<number> {
  const statements = [];
  for (let at = 0; at < rows.length; at += ENVELOPES_PER_STATEMENT)
    statements.push(
      db.kysely
        .insertInto('key_envelopes')
        .values(rows.slice(at, at + ENVELOPES_PER_STATEMENT))
        .onConflict((oc) => oc.columns(['group_id', 'recipient', 'epoch']).doNothing()),
    );
  const results = await db.atomic(statements);
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
