// Soak test (minutes; not part of `npm test`):
//   npm run soak                     two minutes
//   npm run soak -- --seconds 600    or SOAK_SECONDS=600
// Runs the real server and a steady load: clients log in, open sockets, post
// over WebSocket and HTTP, page through history, and leave (politely or by
// dropping the connection). Resident memory and open file descriptors are
// measured with no client connected after a warm-up and again at the end;
// both must be back near where they started. Prints the figures; exits 1 if not.
import { cryptoReady } from '../../shared/crypto/sodium';
import type { TestDevice } from '../support/api-client';
import { makeServerGroup } from '../support/fixtures';
import { TestSocket } from '../support/test-socket';
import { openFds, rssBytes } from '../support/proc';
import { startServer } from '../support/server-process';

const argSeconds = process.argv.indexOf('--seconds');
const SECONDS = Number(argSeconds >= 0 ? process.argv[argSeconds + 1] : (process.env.SOAK_SECONDS ?? 120));
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 12);
const WARMUP_SECONDS = Math.min(20, Math.max(5, SECONDS / 10));
/** allowed growth between the quiet measurements */
const RSS_SLACK_BYTES = 40 * 1024 * 1024;
const FD_SLACK = 4;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

const counts = { sessions: 0, sockets: 0, dropped: 0, wsPosts: 0, httpPosts: 0, pages: 0, errors: 0 };
const errorSamples = new Set<string>();
function failed(what: string): void {
  counts.errors++;
  if (errorSamples.size < 5) errorSamples.add(what);
}

/** One client's life, over and over: log in now and then, connect, talk, read, leave. */
async function client(device: TestDevice, groupId: string, wsUrl: string, until: () => boolean): Promise<void> {
  let cycle = 0;
  while (!until()) {
    try {
      if (cycle++ % 8 === 0) {
        await device.login();
        counts.sessions++;
      }
      const socket = await TestSocket.connect(wsUrl, device.token);
      counts.sockets++;
      for (let i = 0, n = 3 + Math.floor(Math.random() * 10); i < n; i++) {
        const reply = await socket.post({
          groupId,
          ...(await device.postBody(groupId, { ciphertext: new Uint8Array(pick([256, 1024, 4096])) })),
        });
        if (reply.type === 'ack') counts.wsPosts++;
        else failed(`ws post: ${reply.code}`);
      }
      const posted = await device.post(groupId, { ciphertext: new Uint8Array(pick([256, 16384])) });
      if (posted.status === 201) counts.httpPosts++;
      else failed(`http post: ${posted.status} ${posted.body?.error?.code}`);
      const lastSeq = (socket.frames.filter((f) => f.type === 'ack').pop() as { seq?: number } | undefined)?.seq ?? 0;
      const after = Math.max(0, lastSeq - 50);
      const page = await device.listMessages(groupId, after, 100);
      if (page.status === 200) counts.pages++;
      else failed(`history: ${page.status} ${page.body?.error?.code}`);
      await sleep(200 + Math.random() * 1500);
      if (Math.random() < 0.3) {
        socket.ws.terminate(); // gone without a goodbye, as a phone losing signal
        counts.dropped++;
      } else await socket.close();
    } catch (err) {
      failed(`client: ${(err as Error).message.slice(0, 120)}`);
      await sleep(200);
    }
  }
}

async function phase(seconds: number, devices: TestDevice[], groupId: string, wsUrl: string): Promise<void> {
  const end = Date.now() + seconds * 1000;
  await Promise.all(devices.map((d) => client(d, groupId, wsUrl, () => Date.now() > end)));
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<void> {
  await cryptoReady();
  const server = await startServer({ env: { MESSAGES_PER_SECOND: '1000', LOGIN_CHALLENGES_PER_MINUTE: '1000' } });
  const pid = server.pid!;
  try {
    const { groupId, admin, members } = await makeServerGroup(server, Array(CLIENTS - 1).fill('member'));
    const devices = [admin, ...members];
    for (const d of devices) await d.syncRoster(groupId);
    const quiet = async () => {
      await sleep(3000); // sockets closed, timers settled
      return { rss: rssBytes(pid), fds: openFds(pid) };
    };
    const start = await quiet();
    console.log(`soak: ${SECONDS} s with ${devices.length} clients after a ${WARMUP_SECONDS} s warm-up`);
    await phase(WARMUP_SECONDS, devices, groupId, server.wsUrl);
    const base = await quiet();

    let peak = { rss: 0, fds: 0 };
    const sampler = setInterval(() => {
      peak = { rss: Math.max(peak.rss, rssBytes(pid)), fds: Math.max(peak.fds, openFds(pid)) };
    }, 1000);
    const before = { ...counts };
    const t0 = Date.now();
    await phase(SECONDS, devices, groupId, server.wsUrl);
    clearInterval(sampler);
    const elapsed = (Date.now() - t0) / 1000;
    const end = await quiet();

    const posts = counts.wsPosts + counts.httpPosts - before.wsPosts - before.httpPosts;
    console.log(
      `load: ${posts} posts (${(posts / elapsed).toFixed(0)}/s), ${counts.sockets - before.sockets} sockets opened (${counts.dropped - before.dropped} dropped without closing), ${counts.sessions - before.sessions} logins, ${counts.pages - before.pages} history pages, ${counts.errors} errors`,
    );
    console.log(`rss: start ${mb(start.rss)}, after warm-up ${mb(base.rss)}, peak ${mb(peak.rss)}, end ${mb(end.rss)}`);
    console.log(`fds: start ${start.fds}, after warm-up ${base.fds}, peak ${peak.fds}, end ${end.fds}`);
    const failures: string[] = [];
    if (end.rss > base.rss + RSS_SLACK_BYTES)
      failures.push(`RSS grew by ${mb(end.rss - base.rss)} (allowed ${mb(RSS_SLACK_BYTES)})`);
    if (end.fds > base.fds + FD_SLACK)
      failures.push(`open file descriptors grew by ${end.fds - base.fds} (allowed ${FD_SLACK})`);
    if (counts.errors > 0) failures.push(`${counts.errors} requests failed, e.g. ${[...errorSamples].join(' | ')}`);
    if (posts === 0) failures.push('no load was applied');
    if (server.logs().match(/internal_error|ws_error/)) failures.push('the server logged an internal error');
    console.log(
      failures.length
        ? `FAIL: ${failures.join('; ')}`
        : 'PASS: memory and file descriptors are back near where they started',
    );
    process.exitCode = failures.length ? 1 : 0;
  } finally {
    await server.destroy();
  }
}

await main();
