// Child processes of the benchmark: pinned to a core with taskset where the
// machine has one to spare, measured through /proc, and always stopped.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { REPO_ROOT } from '../../test/support/server-process';

export const SERVER_CPU = 0;
export const LOAD_CPU = 1;

const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return os.cpus().length >= 2; // the machine's cores, not this process's affinity
  } catch {
    return false;
  }
})();

/** The command prefix that pins a process to `cpu` (empty where taskset or a second core is missing). */
export function pinTo(cpu: number): string[] {
  return hasTaskset ? ['taskset', '-c', String(cpu)] : [];
}

export const pinned = (): boolean => hasTaskset;

/** Resident set size of a process, in KiB. */
export function rssKb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return line ? Number(line[1]) : NaN;
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

function nodeCommand(cpu: number, script: string, args: string[], nodeFlags: string[] = []): [string, string[]] {
  const [command, ...rest] = [...pinTo(cpu), process.execPath, ...nodeFlags, '--import', 'tsx', script, ...args];
  return [command!, rest];
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface Baseline {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts a baseline server script on `port` and waits until it says it listens. */
export function startBaseline(script: string, port: number, cpu = SERVER_CPU): Promise<Baseline> {
  const [command, args] = nodeCommand(cpu, script, [String(port)]);
  const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('listening'))
        resolve({ url: `127.0.0.1:${port}`, pid: child.pid!, stop: () => stopChild(child) });
    });
  });
}

export interface Generator {
  pid: number;
  call<T>(command: unknown): Promise<T>;
  stop(): Promise<void>;
}

/** Starts the load generator (bench/load/generator.ts) with an IPC channel for its commands. */
export function startGenerator(cpu = LOAD_CPU): Generator {
  // BENCH_GENERATOR_NODE_FLAGS adds node/V8 flags to the generators (e.g. --cpu-prof), to see where their time goes.
  const flags = (process.env.BENCH_GENERATOR_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const [command, args] = nodeCommand(cpu, 'bench/load/generator.ts', [], flags);
  const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let exited = false;
  child.once('exit', () => (exited = true));
  return {
    pid: child.pid!,
    call<T>(cmd: unknown): Promise<T> {
      return new Promise((resolve, reject) => {
        if (exited) return reject(new Error('the load generator has exited'));
        const onExit = () => reject(new Error('the load generator exited'));
        child.once('exit', onExit);
        child.once('message', (reply: { ok: boolean; result?: T; error?: string }) => {
          child.off('exit', onExit);
          if (reply.ok) resolve(reply.result as T);
          else reject(new Error(reply.error));
        });
        child.send(cmd as object);
      });
    },
    stop: async () => {
      if (!exited) child.send({ cmd: 'exit' });
      await new Promise((r) => setTimeout(r, 200));
      await stopChild(child);
    },
  };
}
