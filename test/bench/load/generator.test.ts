// The load generator is kept from one group size to the next; a reset must
// leave nothing of the last scenario in its counts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GeneratorClient, OpenResult } from '../../../bench/load/generator';
import { type Baseline, type Generator, startBaseline, startGenerator } from '../../../bench/lib/processes';
import { freePort } from '../../support/server-process';

const clients = (groupId: string, count: number): GeneratorClient[] =>
  Array.from({ length: count }, () => ({
    token: 'unused-by-raw-ws',
    groups: [groupId],
    group: 0,
    groupId,
    epoch: 1,
    envelope: 'AAAA',
  }));

describe('a load generator process reused after a reset', () => {
  let server: Baseline;
  let generator: Generator;

  beforeAll(async () => {
    server = await startBaseline('bench/servers/raw-ws-server.ts', await freePort());
    generator = startGenerator();
  }, 30_000);

  afterAll(async () => {
    await generator?.stop();
    await server?.stop();
  });

  it('counts only the clients and messages of the scenario after the reset', async () => {
    const url = `ws://${server.url}`;
    expect(
      await generator.call<{ connected: number }>({
        cmd: 'connect',
        system: 'raw_ws',
        url,
        clients: clients('group-a', 5),
        concurrency: 5,
      }),
    ).toMatchObject({ connected: 5 });
    const closed = await generator.call<{ received: number; expected: number }>({
      cmd: 'closed',
      warmupMs: 50,
      measureMs: 300,
    });
    expect(closed.received).toBeGreaterThan(0);
    expect(closed.received).toBe(closed.expected);

    await generator.call({ cmd: 'reset' });
    expect(
      await generator.call<{ connected: number }>({
        cmd: 'connect',
        system: 'raw_ws',
        url,
        clients: clients('group-b', 3),
        concurrency: 3,
      }),
    ).toMatchObject({ connected: 3 });
    const open = await generator.call<OpenResult>({ cmd: 'open', messagesPerS: 200, warmupMs: 50, measureMs: 250 });
    // 60 posts to a group of 3: nothing of the 5 clients' closed loop is left in the counts.
    expect(open.issued).toBe(60);
    expect(open.expected).toBe(180);
    expect(open.received).toBe(180);
    expect(open.gaps + open.duplicates + open.errors).toBe(0);
  }, 30_000);
});
