// Catch-up: one member was offline while the rest of her group of 10 posted
// a backlog over WebSockets; she pages through it over HTTP (the SDK's
// RelayApi, pages of the maximum size). Every message must come back once, in
// sequence, with no gap (as the SDK reads, the next page asked for while this one
// is read). Its floor: the same pages read and serialised
// straight from the relay's SQLite file with better-sqlite3, in the same run.
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type { MessageRow } from '../../server/db/repos/messages';
import { messageView } from '../../server/services/views';
import { messagePages } from '../../client/sdk/message-pages';
import { RelayApi } from '../../client/sdk/relay-api';
import { MAX_PAGE } from '../../shared/schemas/messages';
import { openConn } from '../load/connections';
import type { BenchDevice, BenchGroup } from '../lib/population';
import { decodeStamp, encodeStamp } from '../lib/stamp';
import { median } from '../lib/stats';

export interface CatchupResult {
  backlog: number;
  postMs: number;
  catchupMs: number;
  /** the same pages read and serialised (JSON) straight from the database with better-sqlite3 */
  directMs: number;
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

const PASSES = 3;

/** One member's pass through the whole backlog, page by page; counts what came back. */
async function pageThrough(api: RelayApi, groupId: string) {
  const seen = new Set<string>();
  let after = 0;
  let pages = 0;
  let received = 0;
  let gaps = 0;
  let duplicates = 0;
  const t0 = performance.now();
  // As the SDK reads a backlog: the next page asked for while this one is read (message-pages.ts).
  for await (const page of messagePages(api, groupId, 0, MAX_PAGE)) {
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
  }
  return { ms: performance.now() - t0, pages, received, gaps, duplicates, seen: seen.size };
}

/** The floor: every page of the group's backlog read with one prepared statement and serialised as the relay's answer. */
function readDirectly(dbPath: string, groupId: string): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    const page = db.prepare(
      `SELECT seq, client_msg_id, epoch, kind, ciphertext, pinned, created_at, expires_at FROM messages
       WHERE group_id = ? AND seq > ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY seq LIMIT ?`,
    );
    const t0 = performance.now();
    let after = 0;
    for (;;) {
      const rows = page.all(groupId, after, Math.floor(Date.now() / 1000), MAX_PAGE + 1) as MessageRow[];
      const messages = rows.slice(0, MAX_PAGE).map(messageView);
      JSON.stringify({ messages, hasMore: rows.length > MAX_PAGE });
      if (rows.length <= MAX_PAGE) break;
      after = messages.at(-1)!.seq;
    }
    return performance.now() - t0;
  } finally {
    db.close();
  }
}

export async function runCatchup(
  dbPath: string,
  baseUrl: string,
  wsUrl: string,
  devices: readonly BenchDevice[],
  group: BenchGroup,
  backlog: number,
): Promise<CatchupResult> {
  const catcher = devices[group.members[group.members.length - 1]!]!;
  const posters = group.members.slice(0, -1).map((_, i) => i);
  const t0 = performance.now();
  await postBacklog(wsUrl, devices, group, posters, backlog);
  const postMs = performance.now() - t0;

  const api = new RelayApi(baseUrl);
  api.token = catcher.token;
  // Both sides as a relay that has served catch-ups before: one untimed pass each (the JIT,
  // the statements, the page cache and the WAL checkpoint after the backlog), then the
  // median of three timed passes. Every pass must bring every message once, in order.
  const warmup = await pageThrough(api, group.groupId);
  const passes = [];
  for (let i = 0; i < PASSES; i++) passes.push(await pageThrough(api, group.groupId));
  const { ms: catchupMs, pages, received } = median(passes, (p) => p.ms);
  readDirectly(dbPath, group.groupId);
  const direct = Array.from({ length: PASSES }, () => ({ ms: readDirectly(dbPath, group.groupId) }));
  const directMs = median(direct, (d) => d.ms).ms;
  // Correctness counts every pass, the untimed one too.
  const all = [warmup, ...passes];
  const sum = (f: (p: (typeof all)[number]) => number) => all.reduce((n, p) => n + f(p), 0);
  return {
    backlog,
    postMs,
    catchupMs,
    directMs,
    pages,
    received,
    gaps: sum((p) => p.gaps),
    duplicates: sum((p) => p.duplicates),
    missing: sum((p) => backlog - p.seen),
  };
}
