// npm run bench [-- --quick] [-- --json]
// Runs every scenario in one go: client crypto, storage, idle connections,
// closed and open loop for the relay, the ceiling, raw ws and Socket.IO in groups of 10
// and 100 (with a low-rate probe group of its own during the open loop), and
// catch-up. Prints a table; --json adds one JSON line at the end;
// a full run also writes bench/results/latest.json.
// --only=SIZE[,system,...] runs just the load scenario of one group size (for
// profiling and A/B comparisons): every system, or the ones listed; nothing is written.
// --only=first-load runs just the web app's first load on a phone (Chromium, slow 4G).
// --only=membership runs just the membership scenario (a join and a removal in growing groups).
// --only=catchup runs just the catch-up (a backlog posted, then paged through over HTTP).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { cryptoReady } from '../shared/crypto/sodium';
import { freePort, REPO_ROOT, startServer } from '../test/support/server-process';
import { createGroup, createGroups, registerDevices } from './lib/population';
import { type Baseline, LOAD_CPU, pinned, pinTo, SERVER_CPU, startBaseline } from './lib/processes';
import {
  type BenchRun,
  firstLoadSummary,
  firstLoadTargets,
  membershipTable,
  membershipSummary,
  summary,
  table,
} from './report';
import { loadTable } from './report-figures';
import { runCatchup } from './scenarios/catchup';
import { runCrypto } from './scenarios/crypto';
import { runFirstLoad } from './scenarios/first-load';
import { runIdle } from './scenarios/idle';
import { runMembership } from './scenarios/membership';
import type { GeneratorClient } from './load/generator';
import {
  clientsOf,
  type LoadProbe,
  type LoadResult,
  type LoadTarget,
  runLoad,
  startLoadProcesses,
} from './scenarios/load';
import { runStorage } from './scenarios/storage';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const json = args.has('--json');
// --profile: the relay writes a V8 CPU profile (node --cpu-prof) into bench/results/profiles/.
const profileDir = args.has('--profile') ? path.join(REPO_ROOT, 'bench/results/profiles') : null;
const onlyArg = [...args]
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const onlyMembership = onlyArg?.[0] === 'membership';
const onlyCatchup = onlyArg?.[0] === 'catchup';
const only =
  onlyArg && !onlyMembership && !onlyCatchup
    ? {
        size: Number(onlyArg[0]),
        systems: onlyArg.length > 1 ? onlyArg.slice(1) : ['relay', 'ceiling', 'raw_ws', 'socketio'],
      }
    : null;

// 10,000 sockets need file descriptors: run again under a raised limit (and on the load core).
if (!process.env.MINDEULLE_BENCH_CHILD) {
  const script = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"';
  const cmd = [...pinTo(LOAD_CPU), process.execPath, '--import', 'tsx', 'bench/run.ts', ...process.argv.slice(2)];
  const child = spawnSync('sh', ['-c', script, 'sh', ...cmd], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env: { ...process.env, MINDEULLE_BENCH_CHILD: '1' },
  });
  process.exit(child.status ?? 1);
}

// The web app's first load: one round in quick mode, the median of three otherwise.
const firstLoadRounds = quick ? 1 : 3;
if (onlyArg?.[0] === 'first-load') {
  const firstLoad = await runFirstLoad(firstLoadRounds);
  for (const t of firstLoadTargets(firstLoad))
    console.log(`| ${t.name} | ${t.measured} | ${t.goal} | ${t.met ? 'met' : 'MISSED'} |`);
  if (json) console.log(JSON.stringify(firstLoadSummary(firstLoad)));
  process.exit(0);
}

const BASELINE_SCRIPTS = {
  ceiling: 'bench/servers/ceiling-server.ts',
  raw_ws: 'bench/servers/raw-ws-server.ts',
  socketio: 'bench/servers/socketio-server.ts',
} as const;

// The open loop's probe: one group of 10 devices of its own, posting 200 messages/s in all.
const PROBE = { members: 10, messagesPerS: 200 };

const plan = quick
  ? {
      clients: 200,
      sizes: [10, 100],
      idle: 600,
      idleDevices: 300,
      idleSettleMs: 500,
      backlog: 2000,
      load: { closed: { warmupMs: 100, measureMs: 300 }, rounds: 3, open: { warmupMs: 100, measureMs: 250 } },
      storageMs: 400,
      cryptoMs: 300,
      membership: { sizes: [20, 100], repeats: 1 },
    }
  : {
      clients: 1000,
      sizes: [10, 100],
      idle: 10_000,
      idleDevices: 2000,
      idleSettleMs: 2000,
      backlog: 10_000,
      load: { closed: { warmupMs: 1000, measureMs: 4000 }, rounds: 3, open: { warmupMs: 500, measureMs: 3000 } },
      storageMs: 3000,
      cryptoMs: 2000,
      // up to the protocol's cap (MAX_MEMBERS, 5,000); the targets compare 1,000 and 5,000 with 100
      membership: { sizes: [100, 500, 1000, 5000], repeats: 3 },
    };
if (only) Object.assign(plan, { sizes: [only.size], idleDevices: 0 });

const started = performance.now();
const log = (line: string) =>
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1)} s] ${line}\n`);
await cryptoReady();

if (!onlyMembership && !onlyCatchup) log('client crypto');
const crypto = only || onlyMembership || onlyCatchup ? null : runCrypto(plan.cryptoMs);
const dir = mkdtempSync(path.join(os.tmpdir(), 'mindeulle-bench-'));
// BENCH_RELAY_NODE_FLAGS adds node/V8 flags to the relay alone, for A/B runs (e.g. --trace-gc).
const relayFlags = [
  ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
  ...(process.env.BENCH_RELAY_NODE_FLAGS ?? '').split(' ').filter(Boolean),
];
const relay = await startServer({
  dbPath: path.join(dir, 'relay.db'),
  // node flags go through a shell: NODE_OPTIONS refuses --cpu-prof.
  launcher: [
    ...pinTo(SERVER_CPU),
    ...(relayFlags.length > 0 ? ['sh', '-c', `exec "$0" ${relayFlags.join(' ')} "$@"`] : []),
  ],
  // Every client posts as fast as the loop allows; the per-device limits stay in the path, just higher.
  env: {
    MESSAGES_PER_SECOND: '1000000',
    REGISTRATIONS_PER_MINUTE: '1000000',
    WS_HEARTBEAT_MS: '600000',
  },
});

/** Joins and removals in groups of the plan's sizes, on the relay of this run. */
const measureMembership = () =>
  runMembership(relay.url, relay.pid!, dir, plan.membership.sizes, log, plan.membership.repeats);

if (onlyMembership) {
  try {
    const membership = await measureMembership();
    console.log(membershipTable(membership).join('\n'));
    if (json) console.log(JSON.stringify(membershipSummary(membership)));
  } finally {
    await relay.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
}

/** A backlog in a group of 10 posted over WebSockets, then paged through by its last member. */
async function measureCatchup(devices: Awaited<ReturnType<typeof registerDevices>>) {
  log(`catch-up of ${plan.backlog}`);
  const group = await createGroup(
    relay.url,
    devices,
    Array.from({ length: 10 }, (_, i) => i),
  );
  return runCatchup(path.join(dir, 'relay.db'), relay.url, relay.wsUrl, devices, group, plan.backlog);
}

if (onlyCatchup) {
  try {
    const catchup = await measureCatchup(await registerDevices(relay.url, 10));
    console.log(JSON.stringify(catchup));
  } finally {
    await relay.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
}

try {
  const pid = relay.pid!;
  const deviceCount = Math.max(plan.idleDevices, plan.clients);
  log(`registering ${deviceCount} devices and ${PROBE.members} for the probe`);
  const registered = await registerDevices(relay.url, deviceCount + PROBE.members);
  const devices = registered.slice(0, deviceCount);
  const probeGroup = await createGroup(
    relay.url,
    registered,
    Array.from({ length: PROBE.members }, (_, i) => deviceCount + i),
  );
  const probe: LoadProbe = { clients: clientsOf(registered, [probeGroup]), messagesPerS: PROBE.messagesPerS };
  const groupsBySize = new Map<number, Awaited<ReturnType<typeof createGroups>>>();
  for (const size of plan.sizes) groupsBySize.set(size, await createGroups(relay.url, devices, 0, plan.clients, size));
  // The devices that only connect for the memory scenario are in groups of 100 too.
  await createGroups(relay.url, devices, plan.clients, devices.length - plan.clients, 100);
  const storage = only
    ? null
    : await (log('storage'), runStorage(groupsBySize.get(10)![0]!.envelopes[0]!, plan.storageMs));

  // Sockets spread over the devices (a full run: 5 per device, as phones, laptops and tabs
  // of one member would), each following all of its device's groups (/v1/ws).
  const idleClients = Array.from({ length: plan.idle }, (_, i) => ({
    token: devices[i % devices.length]!.token,
    groups: [],
    group: 0,
    groupId: '',
    epoch: 1,
    envelope: '',
  }));
  const idle = only
    ? null
    : await (log(`${plan.idle} idle connections`), runIdle(relay.wsUrl, pid, idleClients, plan.idleSettleMs));

  const relayTarget: LoadTarget = { system: 'relay', url: relay.wsUrl, pid };
  const load = await runLoadScenarios(relayTarget, (size) => clientsOf(devices, groupsBySize.get(size)!), probe);

  if (!crypto || !storage || !idle) console.log(loadTable(load).join('\n'));
  else {
    const catchup = await measureCatchup(devices);
    log('web app first load over slow 4G, CPU 4x slower');
    const firstLoad = await runFirstLoad(firstLoadRounds);
    const membership = await measureMembership();

    const run: BenchRun = {
      mode: quick ? 'quick' : 'full',
      machine: {
        nproc: os.cpus().length,
        cpu: os.cpus()[0]?.model ?? 'unknown',
        node: process.version,
        pinned: pinned(),
      },
      load,
      catchup,
      idle,
      storage,
      crypto,
      firstLoad,
      membership,
      durationS: (performance.now() - started) / 1000,
    };
    const result = summary(run);
    console.log(table(run));
    if (!quick) {
      mkdirSync(path.join(REPO_ROOT, 'bench/results'), { recursive: true });
      writeFileSync(
        path.join(REPO_ROOT, 'bench/results/latest.json'),
        `${JSON.stringify({ summary: result, run }, null, 2)}\n`,
      );
    }
    if (json) console.log(JSON.stringify(result));
  }
} finally {
  // BENCH_RELAY_LOG=FILE keeps what the relay printed (e.g. with BENCH_RELAY_NODE_FLAGS=--trace-gc).
  if (process.env.BENCH_RELAY_LOG) writeFileSync(process.env.BENCH_RELAY_LOG, relay.logs());
  await relay.destroy();
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Closed and open loop in every group size of the plan, against the relay and
 * the baselines (fresh baseline servers for each size, beside the relay and
 * idle while another system is measured; the generator processes stay).
 */
async function runLoadScenarios(
  relayTarget: LoadTarget,
  clientsFor: (size: number) => GeneratorClient[],
  probe: LoadProbe,
): Promise<LoadResult[]> {
  const wanted = (['ceiling', 'raw_ws', 'socketio'] as const).filter(
    (system) => !only || only.systems.includes(system),
  );
  const processes = startLoadProcesses(1 + wanted.length);
  const load: LoadResult[] = [];
  try {
    for (const size of plan.sizes) {
      const baselines: Baseline[] = [];
      try {
        const targets: LoadTarget[] = [relayTarget];
        // Started together (booting node is slow here); a baseline that fails to start still gets stopped.
        const started = await Promise.allSettled(
          wanted.map(async (system) => startBaseline(BASELINE_SCRIPTS[system], await freePort())),
        );
        for (const [i, s] of started.entries()) {
          if (s.status !== 'fulfilled') continue;
          baselines.push(s.value);
          targets.push({ system: wanted[i]!, url: `ws://${s.value.url}`, pid: s.value.pid });
        }
        for (const s of started) if (s.status === 'rejected') throw s.reason;
        log(
          `groups of ${size}: ${targets.map((t) => t.system).join(', ')}, ${plan.load.rounds} closed-loop rounds each in turn, then ${plan.load.rounds} open-loop rounds`,
        );
        load.push(...(await runLoad(targets, clientsFor(size), size, plan.load, processes, probe)));
      } finally {
        await Promise.all(baselines.map((b) => b.stop()));
      }
    }
  } finally {
    await processes.stop();
  }
  return load;
}
