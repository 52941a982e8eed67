// Runs the real `mindeulle` bin (client/cli/bin.mjs) as a child process, from
// a directory outside the repository, with the minimum Argon2id cost.
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../support/server-process';

export const BIN = path.join(REPO_ROOT, 'client/cli/bin.mjs');
export const CLI_PASSPHRASE = '민들레 홀씨 되어 날아가';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** the JSON value on the last line of stdout (with --json) */
  json: any;
}

export interface RunOptions {
  /** written to the child's stdin, which is then closed (a piped passphrase) */
  input?: string;
  /** the program and its first arguments instead of `node bin.mjs` (e.g. npx) */
  command?: [string, ...string[]];
  cwd?: string;
}

/** Runs the CLI; `env` is added to (or, with '', blanks a variable of) the test's minimal environment. */
export function runCli(args: string[], env: Record<string, string> = {}, opts: RunOptions = {}): Promise<CliRun> {
  const [file, ...lead] = opts.command ?? [process.execPath, BIN];
  return new Promise((resolve) => {
    const child = execFile(
      file,
      [...lead, ...args],
      {
        cwd: opts.cwd ?? os.tmpdir(),
        env: {
          PATH: process.env.PATH ?? '',
          HOME: os.tmpdir(),
          MINDEULLE_PASSPHRASE: CLI_PASSPHRASE,
          MINDEULLE_KDF: 'min',
          ...env,
        },
        timeout: 60_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        const last = stdout.trim().split('\n').pop() ?? '';
        let json: any;
        try {
          json = JSON.parse(last);
        } catch {
          json = undefined;
        }
        resolve({ code, stdout, stderr, json });
      },
    );
    child.stdin?.end(opts.input ?? '');
  });
}

/** A person: her own --home, and the server she talks to. */
export class CliUser {
  constructor(
    readonly name: string,
    readonly home: string,
    readonly server: string,
  ) {}

  run(...args: string[]): Promise<CliRun> {
    return this.runWith({}, ...args);
  }

  /** Runs with variables added to the environment (e.g. MINDEULLE_LANG). */
  runWith(env: Record<string, string>, ...args: string[]): Promise<CliRun> {
    return runCli(['--home', this.home, '--server', this.server, ...args], env);
  }

  /** Runs with --json and expects success; returns the JSON value. */
  async ok(...args: string[]): Promise<any> {
    const r = await this.run(...args, '--json');
    if (r.code !== 0 || r.json === undefined)
      throw new Error(`mindeulle ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`);
    return r.json;
  }

  /** Runs and expects failure: exactly one line on stderr. */
  async fails(...args: string[]): Promise<string> {
    const r = await this.run(...args);
    if (r.code === 0) throw new Error(`mindeulle ${args.join(' ')} succeeded: ${r.stdout}`);
    const lines = r.stderr.trim().split('\n');
    if (lines.length !== 1) throw new Error(`expected one line on stderr, got: ${r.stderr}`);
    return lines[0]!;
  }
}
