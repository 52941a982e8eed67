// Storage: the relay's own insert path (the messages repository over the Node
// SQLite handle, durable: WAL + synchronous=FULL) with many posts in flight,
// against the ceiling of better-sqlite3 inserting the same rows in batches
// inside one prepared-statement transaction, on the same schema and pragmas.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { insertMessage, type NewMessage } from '../../server/db/repos/messages';
import { openSqlite, type SqliteHandle } from '../../server/node/sqlite-db';
import { toB64 } from '../../shared/crypto/encoding';
import { randomBytes } from '../../shared/crypto/primitives';

export interface StorageResult {
  sqliteBatchRowsPerS: number;
  relayRowsPerS: number;
  ratio: number;
  /** posts in flight during the relay measurement */
  inFlight: number;
  batchRows: number;
}

const GROUP = 'benchgroupbenchgroup00';
/** The posting device: the relay's insert checks its membership in the same statement. */
const AUTHOR = 'benchdevicebenchdevice0';

async function freshDb(dir: string, name: string): Promise<SqliteHandle> {
  const handle = await openSqlite(path.join(dir, `${name}.db`));
  await handle.db.kysely
    .insertInto('groups')
    .values({
      id: GROUP,
      created_day: 0,
      roster_seq: 0,
      roster_head: 'x'.repeat(43),
      epoch: 1,
      retention_seconds: null,
      announcement_only: 0,
      purged_seq: 0,
    })
    .execute();
  await handle.db.kysely
    .insertInto('memberships')
    .values({ group_id: GROUP, device_id: AUTHOR, role: 'member' })
    .execute();
  return handle;
}

function rowMaker(ciphertext: string) {
  return (): NewMessage => ({
    group_id: GROUP,
    client_msg_id: toB64(randomBytes(16)),
    epoch: 1,
    kind: 'message',
    ciphertext,
    pinned: 0,
  });
}

async function sqliteCeiling(
  handle: SqliteHandle,
  makeRow: () => NewMessage,
  batchRows: number,
  ms: number,
): Promise<number> {
  const insert = handle.sqlite.prepare(
    `INSERT INTO messages (group_id, seq, client_msg_id, epoch, kind, ciphertext, pinned, expires_at, created_at)
     VALUES (@group_id, @seq, @client_msg_id, @epoch, @kind, @ciphertext, @pinned, @expires_at, @created_at)`,
  );
  let seq = 0;
  const createdAt = Math.floor(Date.now() / 3_600_000) * 3600;
  const batch = handle.sqlite.transaction((rows: NewMessage[]) => {
    for (const row of rows) insert.run({ ...row, seq: ++seq, expires_at: null, created_at: createdAt });
  });
  const t0 = performance.now();
  while (performance.now() - t0 < ms) batch(Array.from({ length: batchRows }, makeRow));
  return seq / ((performance.now() - t0) / 1000);
}

async function relayPath(
  handle: SqliteHandle,
  makeRow: () => NewMessage,
  inFlight: number,
  ms: number,
): Promise<number> {
  let stored = 0;
  const deadline = performance.now() + ms;
  const t0 = performance.now();
  const poster = async () => {
    while (performance.now() < deadline) {
      if (!(await insertMessage(handle.db, AUTHOR, Math.floor(Date.now() / 1000), makeRow())))
        throw new Error('the storage bench post was refused');
      stored++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, poster));
  return stored / ((performance.now() - t0) / 1000);
}

export async function runStorage(
  ciphertext: string,
  ms: number,
  inFlight = 256,
  batchRows = 256,
): Promise<StorageResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mindeulle-bench-storage-'));
  try {
    const makeRow = rowMaker(ciphertext);
    const a = await freshDb(dir, 'ceiling');
    const sqliteBatchRowsPerS = await sqliteCeiling(a, makeRow, batchRows, ms);
    await a.close();
    const b = await freshDb(dir, 'relay');
    const relayRowsPerS = await relayPath(b, makeRow, inFlight, ms);
    await b.close();
    return { sqliteBatchRowsPerS, relayRowsPerS, ratio: relayRowsPerS / sqliteBatchRowsPerS, inFlight, batchRows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
