// The SQLite writer thread: its own connection, so the main thread goes on
// reading frames and fanning out while a commit waits for its fsync. It
// receives one turn's writes at a time (./group-commit.ts) and commits them.
// Checkpoints are the checkpointer thread's job (./sqlite-checkpointer.ts);
// this connection checkpoints by itself only if the WAL grows far past
// SQLite's default threshold (1,000 pages), i.e. if that thread falls behind.
import { parentPort, workerData } from 'node:worker_threads';
import { commitWrites, openConnection, type WireQuery, wireError } from './sqlite-connection';

const WRITER_AUTOCHECKPOINT_PAGES = 10_000;

const { sqlite, prepare } = openConnection((workerData as { path: string }).path);
sqlite.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
const commit = commitWrites(sqlite, prepare);

parentPort!.on('message', (message: { writes: WireQuery[][] } | { json: string } | { close: true }) => {
  if ('close' in message) {
    sqlite.close();
    return parentPort!.close();
  }
  try {
    const writes = 'json' in message ? (JSON.parse(message.json) as WireQuery[][]) : message.writes;
    parentPort!.postMessage({ ok: true, outcomes: commit(writes) });
  } catch (error) {
    parentPort!.postMessage({ ok: false, error: wireError(error) });
  }
});
