// The OpenAPI document the relay serves passes Redocly's recommended rules
// (redocly.yaml) with no error and no warning, so client generators get named
// operations and declared security. The linter runs offline: a preload refuses
// and reports any connection it tries to open.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useServer } from '../support/fixtures';
import { expectOk, request } from '../support/http';
import { REPO_ROOT } from '../support/server-process';

const server = useServer();

const REDOCLY = path.join(REPO_ROOT, 'node_modules', '.bin', 'redocly');
const DENY_NETWORK = path.join(REPO_ROOT, 'test', 'support', 'deny-network.mjs');

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; message: string; location: { pointer: string }[] }[];
}

/** Runs `redocly lint` on a file; it exits non-zero when it finds errors, so the JSON report is read either way. */
function lint(file: string): Promise<{ report: LintReport; stderr: string }> {
  const args = ['lint', '--config', path.join(REPO_ROOT, 'redocly.yaml'), '--format=json', file];
  const env = {
    ...process.env,
    REDOCLY_TELEMETRY: 'off',
    REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
    NODE_OPTIONS: `--import ${DENY_NETWORK}`,
  };
  return new Promise((resolve, reject) => {
    execFile(REDOCLY, args, { cwd: REPO_ROOT, env, timeout: 60_000 }, (err, stdout, stderr) => {
      try {
        resolve({ report: JSON.parse(stdout) as LintReport, stderr });
      } catch {
        reject(err ?? new Error(`redocly printed no report: ${stderr}`));
      }
    });
  });
}

describe('the OpenAPI document', () => {
  it("passes Redocly's recommended rules with no error and no warning, without touching the network", async () => {
    const doc = expectOk(await request(server.current.url, 'GET', '/openapi.json'));
    const dir = await mkdtemp(path.join(tmpdir(), 'mindeulle-openapi-'));
    try {
      const file = path.join(dir, 'openapi.json');
      await writeFile(file, JSON.stringify(doc));
      const { report, stderr } = await lint(file);
      const problems = report.problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`);
      expect(problems).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
      expect(stderr).not.toContain('NETWORK_ATTEMPT');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
