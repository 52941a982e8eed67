// Runs the Worker (server/worker.ts) under local workerd with `wrangler dev
// --local` on a free port, with its own D1 and Durable Object state in a temp
// directory, for the integration suites' worker target. Offline: no account,
// no metrics, nothing leaves localhost.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort, REPO_ROOT, type ServerOptions, type ServerProcess } from './server-process';
import { ensureWebDist } from './web-dist';
import { localD1File } from '../../server/tools/export-import';
import { R2_BUCKET } from '../../server/tools/wrangler-cli';

export interface WorkerProcess extends ServerProcess {
  /** wrangler's --persist-to directory (D1 and Durable Object storage) */
  persistDir: string;
}

export interface WorkerOptions extends ServerOptions {
  /** share another worker's state directory instead of a fresh one */
  persistDir?: string;
  /** serve this folder as the static assets instead of dist/web (e.g. a test build) */
  assetsDir?: string;
}

const WRANGLER = path.join(REPO_ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');

/** The environment wrangler runs with: no Cloudflare credentials, no telemetry, no prompts. */
export function offlineWranglerEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('CLOUDFLARE_') && !k.startsWith('CF_')) env[k] = v;
  return {
    ...env,
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_SEND_ERROR_REPORTS: 'false',
    WRANGLER_HIDE_BANNER: 'true',
    CI: 'true',
    NO_COLOR: '1',
    ...extra,
  };
}

/** Runs a wrangler command to completion (e.g. `d1 execute --local`), returning its output. */
export async function wrangler(args: string[], timeoutMs = 60_000): Promise<string> {
  const proc = spawn(process.execPath, [WRANGLER, ...args], {
    cwd: REPO_ROOT,
    env: offlineWranglerEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`wrangler ${args.join(' ')} failed (${code}):\n${out}`);
  return out;
}

/** The local D1 database file wrangler keeps under a persist directory (the export tool's own finder). */
export { localD1File };

/**
 * An object of the local R2 bucket (the BLOBS binding) under a persist directory, read
 * from outside the Worker with `wrangler r2 object get --local`; null when there is none.
 */
export async function localR2Object(persistDir: string, key: string): Promise<Buffer | null> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mindeulle-r2-'));
  try {
    const file = path.join(dir, 'object');
    await wrangler([
      'r2',
      'object',
      'get',
      `${R2_BUCKET}/${key}`,
      '--file',
      file,
      '--local',
      '--persist-to',
      persistDir,
    ]);
    return await readFile(file);
  } catch (err) {
    if (/specified key does not exist/i.test((err as Error).message)) return null;
    throw err;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startWorker(options: WorkerOptions = {}): Promise<WorkerProcess> {
  ensureWebDist();
  const ownDir = options.persistDir ? null : await mkdtemp(path.join(os.tmpdir(), 'mindeulle-worker-'));
  const persistDir = options.persistDir ?? path.join(ownDir!, 'state');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let buffer = '';
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  async function launch(): Promise<void> {
    const inspectorPort = await freePort();
    const vars = Object.entries(options.env ?? {}).flatMap(([k, v]) => ['--var', `${k}:${v}`]);
    const args = [
      WRANGLER,
      'dev',
      '--local',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(inspectorPort),
    ];
    args.push('--persist-to', persistDir, '--test-scheduled', '--show-interactive-dev-session=false', ...vars);
    if (options.assetsDir) args.push('--assets', options.assetsDir);
    // Its own process group, so stopping it also stops the workerd it starts.
    const proc = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: offlineWranglerEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child = proc;
    let alive = true;
    exited = new Promise((resolve) => proc.once('exit', () => ((alive = false), resolve())));
    proc.stdout!.on('data', (d: Buffer) => (buffer += d.toString('utf8')));
    proc.stderr!.on('data', (d: Buffer) => (buffer += d.toString('utf8')));

    const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
    while (Date.now() < deadline) {
      if (!alive) throw new Error(`wrangler dev exited before it was ready:\n${buffer}`);
      try {
        const res = await fetch(`${url}/healthz`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(150);
    }
    killGroup(proc, 'SIGKILL');
    throw new Error(`wrangler dev did not answer /healthz in time:\n${buffer}`);
  }

  function killGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
    try {
      process.kill(-proc.pid!, signal);
    } catch {
      // already gone
    }
  }

  async function stop(timeoutMs = 8000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    killGroup(proc, signal);
    const timer = setTimeout(() => killGroup(proc, 'SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
    child = null;
  }

  await launch();
  return {
    url,
    wsUrl: `ws://127.0.0.1:${port}/v1/ws`,
    port,
    get dbPath() {
      return localD1File(persistDir);
    },
    persistDir,
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
