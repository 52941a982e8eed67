// Memory: many authenticated, subscribed, idle sockets; the relay process's
// RSS grows by this much per connection.
import type { GeneratorClient } from '../load/generator';
import { rssKb, startGenerator } from '../lib/processes';

export interface IdleResult {
  connections: number;
  rssBeforeKb: number;
  rssAfterKb: number;
  rssPerConnKb: number;
  connectMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runIdle(
  url: string,
  serverPid: number,
  clients: GeneratorClient[],
  settleMs = 2000,
): Promise<IdleResult> {
  const rssBeforeKb = rssKb(serverPid);
  const generator = startGenerator();
  try {
    const { connected, ms } = await generator.call<{ connected: number; ms: number }>({
      cmd: 'connect',
      system: 'relay',
      url,
      clients,
      concurrency: 100,
    });
    await sleep(settleMs); // let allocation settle
    const rssAfterKb = rssKb(serverPid);
    return {
      connections: connected,
      rssBeforeKb,
      rssAfterKb,
      rssPerConnKb: (rssAfterKb - rssBeforeKb) / connected,
      connectMs: ms,
    };
  } finally {
    await generator.stop();
  }
}
