// Runs the real Node entry (server/node.ts) as a child process on a free port
// with a fresh SQLite file, for integration tests. Captures stdout and stderr.
// The benchmark (bench/run.ts, bench/lib/processes.ts) starts the relay through
// this file too, so both run the server as it is deployed. That makes bench/
// depend on test/support/ and never the other way: code here is test-only
// harness (no production code imports it) and imports nothing from bench/;
// only the tests of the bench itself (test/bench/) import bench/.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** node's arguments as `npm start` gives them (flags and entry), so tests and the bench run the server as it is deployed. */
export function startArgs(): string[] {
  const start: string = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).scripts.start;
  const [node, ...args] = start.split(/\s+/);
  if (node !== 'node' || args.at(-1) !== 'server/node.ts') throw new Error(`unexpected start script: ${start}`);
  return args;
}

export interface ServerOptions {
  /** extra environment, e.g. SESSION_TTL_SECONDS or CLOCK_SKEW_SECONDS */
  env?: Record<string, string>;
  /** share an existing database (another instance's dbPath) instead of a fresh one */
  dbPath?: string;
  startTimeoutMs?: number;
  /** a command the node process runs under, e.g. ['taskset', '-c', '0'] (the benchmark pins cores) */
  launcher?: string[];
}

export interface ServerProcess {
  url: string;
  wsUrl: string;
  port: number;
  dbPath: string;
  /** the running process's id (Node target only), e.g. to read /proc/PID */
  readonly pid?: number;
  /** how the last process ended (Node target only) */
  readonly lastExit?: { code: number | null; signal: NodeJS.Signals | null } | null;
  /** everything the process wrote to stdout and stderr, across restarts */
  logs(): string;
  stop(): Promise<void>;
  /** SIGKILL: no shutdown hook runs, as in a power cut (targets that cannot, leave it out) */
  crash?(): Promise<void>;
  /** stops (if running) and starts again on the same port and database */
  restart(): Promise<void>;
  /** stops the process and deletes the temporary directory it created, if any */
  destroy(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startServer(options: ServerOptions = {}): Promise<ServerProcess> {
  const ownDir = options.dbPath ? null : await mkdtemp(path.join(os.tmpdir(), 'mindeulle-it-'));
  // A nested directory checks that the server creates it.
  const dbPath = options.dbPath ?? path.join(ownDir!, 'data', 'relay.db');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let buffer = '';
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let lastExit: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  async function launch(): Promise<void> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.tmpdir(),
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_PATH: dbPath,
      ...options.env,
    };
    const [command, ...prefix] = [...(options.launcher ?? []), process.execPath];
    const proc = spawn(command!, [...prefix, ...startArgs()], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let alive = true;
    exited = new Promise((resolve) =>
      proc.once('exit', (code, signal) => {
        alive = false;
        lastExit = { code, signal };
        resolve();
      }),
    );
    proc.stdout!.on('data', (d: Buffer) => (buffer += d.toString('utf8')));
    proc.stderr!.on('data', (d: Buffer) => (buffer += d.toString('utf8')));

    const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
    while (Date.now() < deadline) {
      if (!alive) throw new Error(`server exited before it was ready:\n${buffer}`);
      try {
        const res = await fetch(`${url}/healthz`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    proc.kill('SIGKILL');
    throw new Error(`server did not answer /healthz in time:\n${buffer}`);
  }

  async function stop(timeoutMs = 8000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
    child = null;
  }

  await launch();
  return {
    url,
    wsUrl: `ws://127.0.0.1:${port}/v1/ws`,
    port,
    dbPath,
    get pid() {
      return child?.pid;
    },
    get lastExit() {
      return lastExit;
    },
    logs: () => buffer,
    stop: () => stop(),
    crash: () => stop(0, 'SIGKILL'),
    restart: async () => {
      await stop();
      await launch();
    },
    destroy: async () => {
      await stop();
      if (ownDir) await rm(ownDir, { recursive: true, force: true });
    },
  };
}
