// The SQLite checkpointer thread: its own connection copies committed WAL
// frames into the database file every few milliseconds, so the writer
// thread's commits (and the acks waiting on them) never wait for a
// checkpoint. Durability does not depend on it: a row is durable once its
// WAL frames are synced at commit; a checkpoint only moves them. PASSIVE
// never blocks the writer or readers; it copies what it can.
import { parentPort, workerData } from 'node:worker_threads';
import { openConnection } from './sqlite-connection';

const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const { sqlite } = openConnection(path);

const timer = setInterval(() => {
  try {
    sqlite.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or I/O trouble: the next tick tries again, and the writer's own automatic checkpoint is the backstop.
  }
}, intervalMs);

parentPort!.on('message', () => {
  clearInterval(timer);
  sqlite.close();
  parentPort!.close();
});
