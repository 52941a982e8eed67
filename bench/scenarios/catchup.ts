// Catch-up: one member was offline while the rest of her group of 10 posted
// a backlog over WebSockets; she pages through it over HTTP (the SDK's
// RelayApi, pages of the maximum size). Every message must come back once, in
// sequence, with no gap.
import { performance } from 'node:perf_hooks';
import { RelayApi } from '../../client/sdk/relay-api';
import { MAX_PAGE } from '../../shared/schemas/messages';
import { openConn } from '../load/connections';
import type { BenchDevice, BenchGroup } from '../lib/population';
import { decodeStamp, encodeStamp } from '../lib/stamp';

export interface CatchupResult {
  backlog: number;
  postMs: number;
  catchupMs: number;
  pages: number;
  received: number;
  gaps: number;
  duplicates: number;
  missing: number;
}

const WINDOW = 32;

async function postBacklog(
  wsUrl: string,
  devices: readonly BenchDevice[],
  group: BenchGroup,
  posters: number[],
  backlog: number,
): Promise<void> {
  let remaining = backlog;
  await Promise.all(
    posters.map(async (member, slot) => {
      let counter = 0;
      let inFlight = 0;
      let done: () => void;
      const finished = new Promise<void>((r) => (done = r));
      const post = () => {
        if (remaining <= 0) return inFlight === 0 && done();
        remaining--;
        inFlight++;
        const clientMsgId = encodeStamp({ sentAt: 0, sender: slot, counter: ++counter });
        conn.post({
          ref: String(counter),
          groupId: group.groupId,
          epoch: group.epoch,
          ciphertext: group.envelopes[slot]!,
          clientMsgId,
        });
      };
      const conn = await openConn(
        'relay',
        wsUrl,
        { token: devices[group.members[member]!]!.token, groups: [group.groupId] },
        {
          message: () => undefined,
          ack: (_ref, ok) => {
            if (!ok) throw new Error('a backlog post was refused');
            inFlight--;
            post();
          },
        },
      );
      for (let i = 0; i < WINDOW; i++) post();
      await finished;
      conn.close();
    }),
  );
}

export async function runCatchup(
  baseUrl: string,
  wsUrl: string,
  devices: readonly BenchDevice[],
  group: BenchGroup,
  backlog: number,
): Promise<CatchupResult> {
  const catcher = devices[group.members[group.members.length - 1]!]!;
  const posters = group.members.slice(0, -1).map((_, i) => i);
  let t0 = performance.now();
  await postBacklog(wsUrl, devices, group, posters, backlog);
  const postMs = performance.now() - t0;

  const api = new RelayApi(baseUrl);
  api.token = catcher.token;
  const seen = new Set<string>();
  let after = 0;
  let pages = 0;
  let received = 0;
  let gaps = 0;
  let duplicates = 0;
  t0 = performance.now();
  for (;;) {
    const page = await api.messages(group.groupId, after, MAX_PAGE);
    pages++;
    for (const m of page.messages) {
      received++;
      if (m.seq !== after + 1) gaps++;
      after = m.seq;
      const stamp = decodeStamp(m.clientMsgId);
      const key = `${stamp.sender}:${stamp.counter}`;
      if (seen.has(key)) duplicates++;
      seen.add(key);
    }
    if (!page.hasMore) break;
  }
  const catchupMs = performance.now() - t0;
  return { backlog, postMs, catchupMs, pages, received, gaps, duplicates, missing: backlog - seen.size };
}
