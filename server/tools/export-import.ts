// Moving a relay from one machine (Node + SQLite) to Cloudflare (D1):
//   npm run export -- FILE [--db PATH]            SQLite file -> SQL file
//   npm run import -- FILE [--remote] [--persist-to DIR]
//                                                 SQL file -> D1 (wrangler d1 execute; local unless --remote)
// The SQL file holds the same metadata as the database: keep it as safe, and delete it after the import.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { dumpSql } from './sql-dump';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const USAGE = 'usage: npm run export -- FILE [--db PATH]  |  npm run import -- FILE [--remote] [--persist-to DIR]';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export function exportToFile(dbPath: string, file: string): Map<string, number> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  const fd = openSync(file, 'w', 0o600);
  try {
    return dumpSql(db, (line) => writeSync(fd, `${line}\n`));
  } finally {
    closeSync(fd);
    db.close();
  }
}

/** Runs `wrangler d1 execute DB --file FILE` (binding DB of wrangler.toml); local unless `remote`. */
export function importFile(
  file: string,
  opts: { remote?: boolean; persistTo?: string; env?: NodeJS.ProcessEnv; quiet?: boolean } = {},
): void {
  const args = ['d1', 'execute', 'DB', '--file', path.resolve(file), '--yes', opts.remote ? '--remote' : '--local'];
  if (opts.persistTo && !opts.remote) args.push('--persist-to', opts.persistTo);
  const wrangler = path.join(REPO_ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
  const run = spawnSync(process.execPath, [wrangler, ...args], {
    cwd: REPO_ROOT,
    env: opts.env ?? process.env,
    stdio: opts.quiet ? 'pipe' : 'inherit',
    encoding: 'utf8',
  });
  if (run.status !== 0)
    throw new Error(`wrangler d1 execute failed (${run.status ?? run.signal})\n${run.stdout ?? ''}${run.stderr ?? ''}`);
}

function main(argv: string[]): void {
  const [command, file, ...rest] = argv;
  if (!file || (command !== 'export' && command !== 'import')) {
    console.error(USAGE);
    process.exit(2);
  }
  if (command === 'export') {
    const dbPath = option(rest, '--db') ?? process.env.DATABASE_PATH ?? './data/mindeulle.db';
    const counts = exportToFile(dbPath, file);
    console.log(`exported ${[...counts].map(([t, n]) => `${t}=${n}`).join(' ')} to ${file}`);
  } else {
    importFile(file, { remote: rest.includes('--remote'), persistTo: option(rest, '--persist-to') });
    console.log(`imported ${file}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
