// The SQLite writer thread: its own connection, so the main thread goes on
// reading frames and fanning out while a commit waits for its fsync. It
// receives one turn's writes at a time (./group-commit.ts) and commits them,
// and checkpoints the WAL when the main thread says no batch is waiting.
import { parentPort, workerData } from 'node:worker_threads';
import { commitWrites, openConnection, type PackedBatch, unpackBatch, wireError } from './sqlite-connection';

const { sqlite, prepare } = openConnection((workerData as { path: string }).path);
const commit = commitWrites(sqlite, prepare);

parentPort!.on('message', (message: { batch: PackedBatch } | { checkpoint: true } | { close: true }) => {
  if ('checkpoint' in message) {
    try {
      sqlite.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Nothing lost: the next idle moment, or SQLite's automatic checkpoint, tries again.
    }
    return;
  }
  if ('close' in message) {
    sqlite.close();
    return parentPort!.close();
  }
  try {
    parentPort!.postMessage({ ok: true, outcomes: commit(unpackBatch(message.batch)) });
  } catch (error) {
    parentPort!.postMessage({ ok: false, error: wireError(error) });
  }
});
