// The relay's post path without the network: real app, real SQLite file with
// its writer thread, real sessions, but each socket's transport only counts
// what it is sent. CPU per post here is what the relay adds on top of the
// ceiling's framing and writes. `node --import tsx bench/post-path.ts [seconds]`
// POST_PATH_PROFILE=FILE writes the main thread's CPU profile of the measured
// window only (node --cpu-prof profiles every thread, set-up included).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { cryptoReady } from '../shared/crypto/sodium';
import { createApp } from '../server/app';
import { buildDeps, type Logger } from '../server/deps';
import { memoryHub } from '../server/live/memory-hub';
import { SocketSession } from '../server/live/socket-session';
import { openSqlite } from '../server/node/sqlite-db';
import { encodeStamp } from './lib/stamp';
import { createGroups, registerDevices } from './lib/population';

const seconds = Number(process.argv[2] ?? 5);
const CLIENTS = 200;
const GROUP = 10;
await cryptoReady();
const dir = mkdtempSync(path.join(os.tmpdir(), 'mindeulle-post-path-'));
const storage = await openSqlite(path.join(dir, 'relay.db'));
const quiet: Logger = { info: () => undefined, error: (m) => console.error(m) };
const deps = buildDeps({
  db: storage.db,
  hub: memoryHub(),
  log: quiet,
  env: { MESSAGES_PER_SECOND: '1000000', REGISTRATIONS_PER_MINUTE: '1000000' },
});
const server = serve({ fetch: createApp(deps).fetch, port: 0, hostname: '127.0.0.1' }) as Server;
await new Promise((r) => server.once('listening', r));
const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
const devices = await registerDevices(url, CLIENTS);
const groups = await createGroups(url, devices, 0, CLIENTS, GROUP);

let posts = 0;
let deliveries = 0;
let running = true;
const sessions = groups.flatMap((g) =>
  g.members.map((m, i) => {
    let counter = 0;
    const post = () =>
      session.onFrame(
        JSON.stringify({
          type: 'post',
          ref: String(++counter),
          groupId: g.groupId,
          clientMsgId: encodeStamp({ sentAt: 0, sender: m, counter }),
          epoch: g.epoch,
          kind: 'message',
          ciphertext: g.envelopes[i]!,
        }),
      );
    const session: SocketSession = new SocketSession(deps, {
      send: (text) => {
        if (text.startsWith('{"type":"message"')) deliveries++;
        else if (text.startsWith('{"type":"ack"')) {
          posts++;
          if (running) post();
        } else if (!text.startsWith('{"type":"ready"')) console.error(text.slice(0, 200));
      },
      close: (code, reason) => console.error('closed', code, reason),
    });
    session.onFrame(JSON.stringify({ type: 'auth', token: devices[m]!.token }));
    return { session, post };
  }),
);
await Promise.all(sessions.map((s) => s.session.drain()));

for (const s of sessions) s.post();
await new Promise((r) => setTimeout(r, 1000)); // warm-up
const threads = () =>
  readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return [tid, Number(f[11]) + Number(f[12])] as const;
  });
const profileFile = process.env.POST_PATH_PROFILE;
const inspector = profileFile ? new Session() : null;
if (inspector) {
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.start');
}
const th0 = new Map(threads());
const [p0, d0, c0, t0] = [posts, deliveries, process.cpuUsage(), performance.now()];
await new Promise((r) => setTimeout(r, seconds * 1000));
const cpu = process.cpuUsage(c0);
const [n, d, wall] = [posts - p0, deliveries - d0, (performance.now() - t0) / 1000];
running = false;
if (inspector && profileFile)
  writeFileSync(profileFile, JSON.stringify((await inspector.post('Profiler.stop')).profile));
const perThread = threads()
  .map(([tid, ticks]) => (((ticks - (th0.get(tid) ?? 0)) * 1e4) / n).toFixed(1))
  .filter((us) => us !== '0.0');
console.log(`µs/post by thread (main first): ${perThread.join(', ')}`);
await Promise.all(sessions.map((s) => s.session.drain()));
console.log(
  `${n} posts, ${d} deliveries in ${wall.toFixed(1)} s: ${(n / wall).toFixed(0)} posts/s; CPU ${(((cpu.user + cpu.system) / 1e6 / wall) * 100).toFixed(0)} % (all threads), ${((cpu.user + cpu.system) / n).toFixed(1)} µs/post`,
);
server.close();
await storage.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
