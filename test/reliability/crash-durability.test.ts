// A message is acknowledged only after it is durably stored (DESIGN 6). Four
// clients (two over HTTP, two over WebSockets) stream posts while the real
// server is SIGKILLed at random moments, at least 20 times, and restarted on
// the same file each time. A client whose post got no answer retries it with
// the same clientMsgId, as the SDK's outbox does. At the end every acked
// message is stored exactly once with its sequence and bytes, sequences are
// contiguous and in each client's send order, no row is half-written or
// unknown, and SQLite's integrity check passes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cryptoReady } from '../../shared/crypto/sodium';
import { isBucketLength } from '../../shared/protocol/padding';
import { b64ByteLength } from '../../shared/crypto/encoding';
import type { TestDevice } from '../support/api-client';
import { DbFile } from '../support/db-file';
import { makeServerGroup } from '../support/fixtures';
import { TestSocket } from '../support/test-socket';
import { type ServerProcess, startServer } from '../support/server-process';

const KILLS = Number(process.env.CRASH_KILLS ?? 20);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Body = Awaited<ReturnType<TestDevice['postBody']>>;

interface Ack {
  clientMsgId: string;
  seq: number;
  duplicate: boolean;
}

/** One client: posts one message at a time and retries it until it is acked. */
class Poster {
  readonly sent = new Map<string, Body>();
  readonly acks: Ack[] = [];
  readonly unexpected: string[] = [];
  private pending: Body | null = null;
  /** a post is on the wire and its answer has not come back */
  inFlight = false;
  stopping = false;

  constructor(
    readonly device: TestDevice,
    readonly groupId: string,
    readonly transport: 'http' | 'ws',
  ) {}

  /** The message to send next: the unacked one again, or a new one. */
  private async nextBody(): Promise<Body | null> {
    if (this.pending) return this.pending;
    if (this.stopping) return null;
    this.pending = await this.device.postBody(this.groupId, { epoch: this.device.state(this.groupId).epoch });
    this.sent.set(this.pending.clientMsgId, this.pending);
    return this.pending;
  }

  private acked(seq: number, duplicate: boolean): void {
    this.acks.push({ clientMsgId: this.pending!.clientMsgId, seq, duplicate });
    this.pending = null;
  }

  /** A definite refusal (none is expected): noted, and not retried. */
  private refused(what: string): void {
    this.unexpected.push(what);
    this.sent.delete(this.pending!.clientMsgId);
    this.pending = null;
  }

  async run(server: ServerProcess): Promise<void> {
    if (this.transport === 'http') return this.runHttp();
    while (await this.nextBody()) {
      const socket = await TestSocket.connect(server.wsUrl, this.device.token).catch(() => null);
      if (!socket) {
        await sleep(20);
        continue;
      }
      for (let body = await this.nextBody(); body; body = await this.nextBody()) {
        this.inFlight = true;
        const reply = await Promise.race([
          socket.post({ groupId: this.groupId, ...body }, 10_000).catch(() => null),
          socket.closed.then(() => null),
        ]);
        this.inFlight = false;
        if (!reply) break; // the server died: reconnect, then retry the same body
        if (reply.type === 'ack') this.acked(reply.seq, reply.duplicate);
        else this.refused(`ws ${reply.code}`);
      }
      await socket.close();
    }
  }

  private async runHttp(): Promise<void> {
    for (let body = await this.nextBody(); body; body = await this.nextBody()) {
      this.inFlight = true;
      const res = await this.device.req('POST', `/v1/groups/${this.groupId}/messages`, body).catch(() => null);
      this.inFlight = false;
      if (!res) {
        await sleep(20); // no answer: the server is down; retry the same body
        continue;
      }
      if (res.status === 200 || res.status === 201) this.acked(res.body.seq, res.body.duplicate);
      else this.refused(`http ${res.status} ${res.text}`);
    }
  }
}

let server: ServerProcess;
let posters: Poster[];

beforeAll(async () => {
  await cryptoReady();
  server = await startServer({ env: { MESSAGES_PER_SECOND: '100000' } });
  const { groupId, admin, members } = await makeServerGroup(server, ['member', 'member', 'facilitator']);
  const [a, b, c] = members as [TestDevice, TestDevice, TestDevice];
  for (const d of [admin, a, b]) await d.syncRoster(groupId);
  posters = [
    new Poster(admin, groupId, 'http'),
    new Poster(a, groupId, 'http'),
    new Poster(b, groupId, 'ws'),
    new Poster(c, groupId, 'ws'),
  ];
});

afterAll(async () => {
  await server?.destroy();
});

describe('crash durability', () => {
  it(`every acknowledged message survives ${KILLS} SIGKILLs exactly once, in order, intact`, {
    timeout: KILLS * 20_000,
  }, async () => {
    const running = posters.map((p) => p.run(server));
    const acked = () => posters.reduce((n, p) => n + p.acks.length, 0);
    const delays: number[] = [];
    const waits: number[] = [];
    const restarts: number[] = [];
    let killedInFlight = 0;
    for (let k = 0; k < KILLS; k++) {
      // Each kill lands mid-stream: after the clients are acked again (a
      // restart takes seconds on a loaded machine), plus a random moment.
      const before = acked();
      const t0 = Date.now();
      for (const deadline = Date.now() + 60_000; acked() === before; await sleep(5)) {
        if (Date.now() > deadline) throw new Error(`no ack within 60 s after restart ${k}`);
      }
      const delay = Math.floor(Math.random() * 300);
      delays.push(delay);
      waits.push(Date.now() - t0);
      await sleep(delay);
      // Then the first moment a post is on the wire (a loaded machine can leave every
      // client between posts for a while), so the kill catches one unanswered.
      for (const until = Date.now() + 2_000; !posters.some((p) => p.inFlight) && Date.now() < until; ) await sleep(1);
      if (posters.some((p) => p.inFlight)) killedInFlight++;
      await server.crash!();
      const r0 = Date.now();
      await server.restart();
      restarts.push(Date.now() - r0);
    }
    for (const p of posters) p.stopping = true; // each finishes (acks) what it has in flight
    await Promise.all(running);
    await server.stop();

    const context = `kill delays (ms): ${delays.join(',')}; waits for the first ack after a restart: ${waits.join(',')}; restarts: ${restarts.join(',')}`;
    console.info(context);
    expect(killedInFlight, `kills with a post sent and not yet acked; ${context}`).toBeGreaterThanOrEqual(KILLS / 2);
    for (const p of posters) expect(p.unexpected, context).toEqual([]);

    const file = new DbFile(server.dbPath);
    try {
      expect(file.integrityCheck()).toBe('ok');
      const rows = file.rows<{ seq: number; client_msg_id: string; epoch: number; kind: string; ciphertext: string }>(
        'messages',
        'seq',
      );
      const byClientId = new Map(rows.map((r) => [r.client_msg_id, r]));
      expect(byClientId.size, 'a clientMsgId stored twice').toBe(rows.length);
      expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1)); // contiguous from 1

      const sent = new Map(posters.flatMap((p) => [...p.sent]));
      for (const row of rows) {
        const body = sent.get(row.client_msg_id);
        expect(body, `row ${row.seq} was never sent`).toBeDefined();
        expect({ epoch: row.epoch, kind: row.kind, ciphertext: row.ciphertext }).toEqual({
          epoch: body!.epoch,
          kind: body!.kind,
          ciphertext: body!.ciphertext,
        });
        expect(isBucketLength(b64ByteLength(row.ciphertext))).toBe(true);
      }
      for (const p of posters) {
        // every message the client sent was acked in the end, each once, in send order
        expect(p.acks.length).toBe(p.sent.size);
        expect(new Set(p.acks.map((a) => a.clientMsgId)).size).toBe(p.sent.size);
        for (const ack of p.acks)
          expect(byClientId.get(ack.clientMsgId)?.seq, `ack of ${p.transport} client`).toBe(ack.seq);
        const seqs = p.acks.map((a) => a.seq);
        expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      }
      expect(rows.length).toBe(sent.size);
      console.info(
        `crash durability: ${KILLS} kills, ${rows.length} messages, ${posters.flatMap((p) => p.acks).filter((a) => a.duplicate).length} retried after a lost ack`,
      );
    } finally {
      file.close();
    }
  });
});
