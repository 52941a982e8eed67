// A V8 CPU profile of one stretch of the bench's own process (the client side),
// e.g. one measured join: `node --cpu-prof` would profile the whole run, the
// set-up included. Written only when BENCH_CLIENT_PROFILE names a directory.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

/** Runs `task`, profiled into `$BENCH_CLIENT_PROFILE/<name>.cpuprofile` when that is set. */
export async function profiled<T>(name: string, task: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_CLIENT_PROFILE;
  if (!dir) return task();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await task();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}
