// Runs the repository's wrangler for the export/import tools: D1 and R2 are
// reached only through it, locally (the state `wrangler dev --local` keeps,
// optionally under --persist-to DIR) or with --remote on the account it is
// logged in to.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** bucket_name of the BLOBS binding in wrangler.toml */
export const R2_BUCKET = 'mindeulle-blobs';

/** Where the Workers side is: the account's (remote), or the local state, by default `.wrangler/state`. */
export interface WorkersTarget {
  remote?: boolean;
  persistTo?: string;
  env?: NodeJS.ProcessEnv;
  quiet?: boolean;
}

/** The flags that select the target, for commands that take --local/--remote and --persist-to. */
export function targetArgs(target: WorkersTarget): string[] {
  if (target.remote) return ['--remote'];
  return target.persistTo ? ['--local', '--persist-to', target.persistTo] : ['--local'];
}

/** The local state folder wrangler uses for this target. */
export const localStateDir = (target: WorkersTarget) => target.persistTo ?? path.join(REPO_ROOT, '.wrangler', 'state');

/** Runs `wrangler ARGS` to completion; throws with its output if it fails. */
export function runWrangler(args: string[], target: WorkersTarget): void {
  const wrangler = path.join(REPO_ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
  const run = spawnSync(process.execPath, [wrangler, ...args], {
    cwd: REPO_ROOT,
    env: target.env ?? process.env,
    stdio: target.quiet ? 'pipe' : ['ignore', 'inherit', 'inherit'],
    encoding: 'utf8',
  });
  if (run.status !== 0)
    throw new Error(
      `wrangler ${args.slice(0, 3).join(' ')} failed (${run.status ?? run.signal})\n${run.stdout ?? ''}${run.stderr ?? ''}`,
    );
}
