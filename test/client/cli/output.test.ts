import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CliError, errorLine } from '../../../client/cli/output';

describe('errorLine', () => {
  it('says the server cannot be reached, with the reason, when fetch fails', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as { port: number };
    await new Promise((r) => server.close(r)); // a port nobody listens on now
    const err = await fetch(`http://127.0.0.1:${port}/healthz`).catch((e: unknown) => e);
    expect(errorLine(err)).toBe('cannot reach the server (ECONNREFUSED)');
  });

  it('keeps one line of any other error, with its code', () => {
    expect(errorLine(Object.assign(new Error('not a member\nstack'), { code: 'not_member' }))).toBe(
      'not a member (not_member)',
    );
    expect(errorLine(new CliError('usage: mindeulle send GROUP TEXT', 2))).toBe('usage: mindeulle send GROUP TEXT');
  });
});
