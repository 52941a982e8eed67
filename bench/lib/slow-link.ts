// A phone's mobile link between Chromium and the relay, as a TCP proxy: every
// connection of the page and of its service worker shares one downlink and one
// uplink of a fixed rate, each byte arrives half a round trip after it has
// been sent, and a new connection first pays its handshakes. Shaping packets
// here (rather than through DevTools, which throttles per request and only the
// page's own) makes the service worker's requests pay the same link. It also
// counts what crosses it, and reads the responses (http-tally.ts) to tell what
// the same responses would have cost uncompressed.
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { type ResponseRecord, responseReader } from './http-tally';

export interface LinkProfile {
  name: string;
  rttMs: number;
  downBytesPerS: number;
  upBytesPerS: number;
  /** round trips before a new connection carries data (TCP, and TLS 1.3 on a real deployment) */
  handshakeRtts: number;
}

/** Lighthouse's "slow 4G" (packet-level figures): 150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up. */
export const SLOW_4G: LinkProfile = {
  name: 'slow 4G',
  rttMs: 150,
  downBytesPerS: 1_600_000 / 8,
  upBytesPerS: 750_000 / 8,
  handshakeRtts: 2,
};

/** Bytes go out in slices this size, so a big write trickles as it would over the air. */
const SLICE = 4096;

/** One direction of the link: a FIFO that sends at `bytesPerS` and delivers `delayMs` later, in order. */
function pipe(bytesPerS: number, delayMs: number) {
  let freeAt = 0;
  const queue: { at: number; deliver: () => void }[] = [];
  let timer: NodeJS.Timeout | null = null;
  const drain = () => {
    timer = null;
    const now = performance.now();
    while (queue.length > 0 && queue[0]!.at <= now) queue.shift()!.deliver();
    if (queue.length > 0) timer = setTimeout(drain, queue[0]!.at - now);
  };
  return (bytes: number, deliver: () => void) => {
    const now = performance.now();
    freeAt = Math.max(now, freeAt) + (bytes / bytesPerS) * 1000;
    queue.push({ at: freeAt + delayMs, deliver });
    if (!timer) timer = setTimeout(drain, queue[0]!.at - now);
  };
}

export interface SlowLink {
  url: string;
  /** bytes the phone received and sent since the last reset */
  readonly down: number;
  readonly up: number;
  /** the HTTP responses read since the last reset */
  readonly responses: readonly ResponseRecord[];
  reset(): void;
  /** closes every open connection, as a phone that reopens the app later has none left */
  dropConnections(): void;
  /** resolves once nothing has crossed the link for `ms` */
  quiet(ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSlowLink(targetPort: number, profile: LinkProfile): Promise<SlowLink> {
  const send = {
    down: pipe(profile.downBytesPerS, profile.rttMs / 2),
    up: pipe(profile.upBytesPerS, profile.rttMs / 2),
  };
  let down = 0;
  let up = 0;
  let responses: ResponseRecord[] = [];
  let lastByteAt = performance.now();
  const sockets = new Set<net.Socket>();

  const shaped = (from: net.Socket, to: net.Socket, way: 'down' | 'up', onData?: (chunk: Buffer) => void) => {
    from.on('data', (chunk: Buffer) => {
      onData?.(chunk);
      for (let i = 0; i < chunk.length; i += SLICE) {
        const slice = chunk.subarray(i, i + SLICE);
        send[way](slice.length, () => {
          if (way === 'down') down += slice.length;
          else up += slice.length;
          lastByteAt = performance.now();
          if (!to.destroyed) to.write(slice);
        });
      }
    });
    // The end follows the last byte through the same pipe.
    from.on('end', () => send[way](0, () => to.end()));
  };

  const server = net.createServer((phone) => {
    phone.pause();
    const relay = net.connect(targetPort, '127.0.0.1');
    for (const s of [phone, relay]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        phone.destroy();
        relay.destroy();
      });
    }
    shaped(phone, relay, 'up');
    shaped(
      relay,
      phone,
      'down',
      responseReader((r) => responses.push(r)),
    );
    setTimeout(() => phone.resume(), profile.handshakeRtts * profile.rttMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get down() {
      return down;
    },
    get up() {
      return up;
    },
    get responses() {
      return responses;
    },
    reset() {
      down = 0;
      up = 0;
      responses = [];
    },
    dropConnections() {
      for (const s of sockets) s.destroy();
    },
    async quiet(ms: number) {
      while (performance.now() - lastByteAt < ms) await new Promise((r) => setTimeout(r, 50));
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
