// The load generator: a child process of the bench runner, pinned to its own
// core. It holds every client connection of one system, runs the closed loop
// (max deliveries/s) and the open loop (latency at a fixed rate), and counts
// every delivery: reach, gaps and duplicates per (receiver, sender).
import { performance } from 'node:perf_hooks';
import { encodeStamp, type Stamp } from '../lib/stamp';
import { percentile } from '../lib/stats';
import { type BenchConn, type ConnSpec, openConn, type SystemName } from './connections';

export interface GeneratorClient extends ConnSpec {
  /** index of the client's group in this run */
  group: number;
  groupId: string;
  epoch: number;
  envelope: string;
}

export type GeneratorCommand =
  | { cmd: 'connect'; system: SystemName; url: string; clients: GeneratorClient[]; concurrency: number }
  | { cmd: 'closed'; warmupMs: number; measureMs: number }
  | { cmd: 'open'; messagesPerS: number; warmupMs: number; measureMs: number }
  /** closes every connection and forgets every client and count, so the process can serve the next scenario */
  | { cmd: 'reset' }
  | { cmd: 'exit' };

export interface Correctness {
  expected: number;
  received: number;
  duplicates: number;
  gaps: number;
  errors: number;
}

export interface ClosedResult extends Correctness {
  deliveriesPerS: number;
  messagesPerS: number;
}

export interface OpenResult extends Correctness {
  /** posts sent in the whole open loop, warm-up included */
  issued: number;
  messagesPerS: number;
  deliveriesPerS: number;
  p50Ms: number;
  p99Ms: number;
  ackP50Ms: number;
  ackP99Ms: number;
}

interface Client {
  spec: GeneratorClient;
  conn: BenchConn | null;
  sent: number;
  acked: number;
  waitAck: boolean;
  waitEcho: boolean;
  /** send time of every post not yet acked, by counter */
  sentAt: Map<number, number>;
  /** highest counter received from each sender */
  last: Map<number, number>;
}

let clients: Client[] = [];
/** bumped by every reset */
let generation = 0;
let groupSize: number[] = [];
let mode: 'idle' | 'closed' | 'open' = 'idle';
let window = { start: Infinity, end: -Infinity };
let windowDeliveries = 0;
let windowMessages = 0;
const counts = { received: 0, duplicates: 0, gaps: 0, errors: 0 };
let latencies: number[] = [];
let ackLatencies: number[] = [];

const inWindow = (t: number) => t >= window.start && t < window.end;

function send(index: number, sentAt: number): void {
  const c = clients[index]!;
  const counter = ++c.sent;
  c.waitAck = true;
  c.waitEcho = true;
  c.sentAt.set(counter, sentAt);
  const s = c.spec;
  c.conn!.post({
    ref: String(counter),
    groupId: s.groupId,
    epoch: s.epoch,
    ciphertext: s.envelope,
    clientMsgId: encodeStamp({ sentAt, sender: index, counter }),
  });
}

function maybeNext(index: number): void {
  const c = clients[index]!;
  if (mode === 'closed' && !c.waitAck && !c.waitEcho) send(index, performance.now());
}

function onMessage(receiver: number, stamp: Stamp): void {
  const now = performance.now();
  const r = clients[receiver]!;
  const last = r.last.get(stamp.sender) ?? 0;
  if (stamp.counter <= last) {
    counts.duplicates++;
    return;
  }
  if (stamp.counter > last + 1) counts.gaps += stamp.counter - last - 1;
  r.last.set(stamp.sender, stamp.counter);
  counts.received++;
  if (inWindow(now)) windowDeliveries++;
  if (mode === 'open' && inWindow(stamp.sentAt)) latencies.push(now - stamp.sentAt);
  if (stamp.sender === receiver) {
    r.waitEcho = false;
    maybeNext(receiver);
  }
}

function onAck(index: number, ref: string, ok: boolean): void {
  const now = performance.now();
  const c = clients[index]!;
  const counter = Number(ref);
  const sentAt = c.sentAt.get(counter);
  c.sentAt.delete(counter);
  c.waitAck = false;
  if (ok) {
    c.acked++;
    if (inWindow(now)) windowMessages++;
    if (mode === 'open' && sentAt !== undefined && inWindow(sentAt)) ackLatencies.push(now - sentAt);
  } else {
    counts.errors++;
    c.waitEcho = false;
  }
  maybeNext(index);
}

async function connect(cmd: Extract<GeneratorCommand, { cmd: 'connect' }>): Promise<{ connected: number; ms: number }> {
  const t0 = performance.now();
  const connectedIn = generation;
  for (const spec of cmd.clients) {
    clients.push({
      spec,
      conn: null,
      sent: 0,
      acked: 0,
      waitAck: false,
      waitEcho: false,
      sentAt: new Map(),
      last: new Map(),
    });
    groupSize[spec.group] = (groupSize[spec.group] ?? 0) + 1;
  }
  let next = 0;
  const worker = async () => {
    while (next < clients.length) {
      const i = next++;
      // A connection closed by a reset may still deliver: it must not count towards the clients that replaced it.
      const current = () => generation === connectedIn;
      clients[i]!.conn = await openConn(cmd.system, cmd.url, clients[i]!.spec, {
        message: (stamp) => current() && onMessage(i, stamp),
        ack: (ref, ok) => current() && onAck(i, ref, ok),
      });
    }
  };
  await Promise.all(Array.from({ length: cmd.concurrency }, worker));
  return { connected: clients.length, ms: performance.now() - t0 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every message acked so far has reached every member of its group, or the time is up. */
async function drain(timeoutMs = 15_000): Promise<Correctness> {
  const deadline = performance.now() + timeoutMs;
  const expected = () => clients.reduce((n, c) => n + c.acked * groupSize[c.spec.group]!, 0);
  while (performance.now() < deadline && (clients.some((c) => c.sentAt.size > 0) || counts.received < expected()))
    await sleep(20);
  return { expected: expected(), ...counts };
}

function startWindow(warmupMs: number, measureMs: number): void {
  const start = performance.now() + warmupMs;
  window = { start, end: start + measureMs };
  windowDeliveries = 0;
  windowMessages = 0;
}

async function closedLoop(cmd: Extract<GeneratorCommand, { cmd: 'closed' }>): Promise<ClosedResult> {
  mode = 'closed';
  startWindow(cmd.warmupMs, cmd.measureMs);
  for (let i = 0; i < clients.length; i++) send(i, performance.now());
  await sleep(cmd.warmupMs + cmd.measureMs);
  mode = 'idle';
  const seconds = cmd.measureMs / 1000;
  const result = { deliveriesPerS: windowDeliveries / seconds, messagesPerS: windowMessages / seconds };
  return { ...result, ...(await drain()) };
}

async function openLoop(cmd: Extract<GeneratorCommand, { cmd: 'open' }>): Promise<OpenResult> {
  mode = 'open';
  latencies = [];
  ackLatencies = [];
  startWindow(cmd.warmupMs, cmd.measureMs);
  const t0 = performance.now();
  const total = Math.floor(((cmd.warmupMs + cmd.measureMs) / 1000) * cmd.messagesPerS);
  let issued = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * cmd.messagesPerS));
      // Each message keeps its scheduled time, so a late tick counts against latency (no coordinated omission).
      for (; issued < due; issued++) send(issued % clients.length, t0 + (issued * 1000) / cmd.messagesPerS);
      if (issued >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  const correctness = await drain();
  mode = 'idle';
  const seconds = cmd.measureMs / 1000;
  const e2e = Float64Array.from(latencies).sort();
  const acks = Float64Array.from(ackLatencies).sort();
  return {
    ...correctness,
    issued,
    messagesPerS: windowMessages / seconds,
    deliveriesPerS: windowDeliveries / seconds,
    p50Ms: percentile(e2e, 0.5),
    p99Ms: percentile(e2e, 0.99),
    ackP50Ms: percentile(acks, 0.5),
    ackP99Ms: percentile(acks, 0.99),
  };
}

async function handle(cmd: GeneratorCommand): Promise<unknown> {
  switch (cmd.cmd) {
    case 'connect':
      return connect(cmd);
    case 'closed':
      return closedLoop(cmd);
    case 'open':
      return openLoop(cmd);
    case 'reset':
      for (const c of clients) c.conn?.close();
      clients = [];
      groupSize = [];
      generation++;
      Object.assign(counts, { received: 0, duplicates: 0, gaps: 0, errors: 0 });
      return {};
    case 'exit':
      for (const c of clients) c.conn?.close();
      setTimeout(() => process.exit(0), 50);
      return {};
  }
}

process.on('message', (cmd: GeneratorCommand) => {
  handle(cmd).then(
    (result) => process.send!({ ok: true, result }),
    (err: Error) => process.send!({ ok: false, error: err.message }),
  );
});
// The runner going away ends the generator too.
process.on('disconnect', () => process.exit(0));
