// A WebSocket test client: authenticates with the first frame, checks every
// server frame against the wire schema, and lets a test wait for a frame. Named
// TestSocket so it is not mistaken for the SDK's LiveSocket.
import WebSocket from 'ws';
import { type ServerFrame, serverFrameSchema } from '../../shared/schemas/ws';

type FrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;
type Waiter = { pred: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void };

export interface Closed {
  code: number;
  reason: string;
}

let refCounter = 0;

export class TestSocket {
  /** every frame received, in order */
  readonly frames: ServerFrame[] = [];
  /** frames that did not match serverFrameSchema (a contract violation) */
  readonly invalidFrames: string[] = [];
  readonly closed: Promise<Closed>;
  ready: FrameOf<'ready'> | null = null;
  private unconsumed: ServerFrame[] = [];
  private waiters: Waiter[] = [];

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    ws.on('error', () => undefined);
    ws.on('message', (data) => this.receive(data.toString()));
  }

  /** Opens a socket without authenticating. */
  static async open(wsUrl: string, headers: Record<string, string> = {}): Promise<TestSocket> {
    const ws = new WebSocket(wsUrl, { headers });
    const socket = new TestSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return socket;
  }

  /** Opens, authenticates and waits for `ready`. */
  static async connect(wsUrl: string, token: string, headers: Record<string, string> = {}): Promise<TestSocket> {
    const socket = await TestSocket.open(wsUrl, headers);
    socket.send({ type: 'auth', token });
    const refused = socket.closed.then((c) => Promise.reject(new Error(`closed before ready: ${c.code} ${c.reason}`)));
    refused.catch(() => undefined);
    socket.ready = (await Promise.race([
      socket.next((f) => f.type === 'ready' || f.type === 'error'),
      refused,
    ])) as FrameOf<'ready'>;
    if (socket.ready.type !== 'ready') throw new Error(`auth refused: ${JSON.stringify(socket.ready)}`);
    return socket;
  }

  private receive(text: string): void {
    let frame: ServerFrame;
    try {
      const parsed = serverFrameSchema.safeParse(JSON.parse(text));
      if (!parsed.success) this.invalidFrames.push(text);
      frame = parsed.success ? parsed.data : (JSON.parse(text) as ServerFrame);
    } catch {
      this.invalidFrames.push(text);
      return;
    }
    this.frames.push(frame);
    const i = this.waiters.findIndex((w) => w.pred(frame));
    if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(frame);
    else this.unconsumed.push(frame);
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame not yet returned by next() that matches, waiting for one if needed. */
  next(pred: (f: ServerFrame) => boolean = () => true, timeoutMs = 5000): Promise<ServerFrame> {
    const i = this.unconsumed.findIndex(pred);
    if (i >= 0) return Promise.resolve(this.unconsumed.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        pred,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.map((f) => f.type))}`),
        );
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  nextOf<T extends ServerFrame['type']>(
    type: T,
    pred: (f: FrameOf<T>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<FrameOf<T>> {
    return this.next((f) => f.type === type && pred(f as FrameOf<T>), timeoutMs) as Promise<FrameOf<T>>;
  }

  /** Resolves with the matching frames that arrive (or are pending) within `ms`. */
  async collect(pred: (f: ServerFrame) => boolean, ms: number): Promise<ServerFrame[]> {
    await new Promise((r) => setTimeout(r, ms));
    const hits = this.unconsumed.filter(pred);
    this.unconsumed = this.unconsumed.filter((f) => !pred(f));
    return hits;
  }

  /** Sends a post frame and waits for its ack or error (matched by ref). */
  async post(body: Record<string, unknown>, timeoutMs = 5000): Promise<FrameOf<'ack'> | FrameOf<'error'>> {
    const ref = `r${++refCounter}`;
    this.send({ type: 'post', ref, ...body });
    return this.next((f) => (f.type === 'ack' || f.type === 'error') && f.ref === ref, timeoutMs) as Promise<
      FrameOf<'ack'> | FrameOf<'error'>
    >;
  }

  async close(): Promise<Closed> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
    return this.closed;
  }
}
