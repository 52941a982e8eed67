import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { textFrame } from '../../../server/node/ws-frame';

// Every length encoding of a frame: 7-bit (up to 125), 16-bit (126..65535), 64-bit (65536 and up).
const SIZES = [0, 1, 125, 126, 127, 65_535, 65_536, 96 * 1024];
const textOf = (size: number, i: number) => (i % 2 ? '민들레' : 'a').repeat(Math.ceil(size / 3)).slice(0, size);

let server: Server;
let wss: WebSocketServer;
let url: string;
/** Raw sockets of the upgraded connections, in the order they connected. */
const sockets: Duplex[] = [];

beforeAll(async () => {
  server = createServer();
  wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, () => sockets.push(socket)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const ws of wss.clients) ws.terminate();
  await new Promise((r) => server.close(r));
});

async function client(): Promise<{ ws: WebSocket; received: { text: string; isBinary: boolean }[] }> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const received: { text: string; isBinary: boolean }[] = [];
  ws.on('message', (data: Buffer, isBinary) => received.push({ text: data.toString(), isBinary }));
  const before = sockets.length;
  await new Promise((r) => ws.once('open', r));
  while (sockets.length === before) await new Promise((r) => setTimeout(r, 5));
  return { ws, received };
}

describe('a text frame framed once for many sockets', () => {
  it('reaches a real ws client as the same text, in order, for every length encoding', async () => {
    const clients = [await client(), await client()];
    const texts = SIZES.map(textOf);
    for (const text of texts) {
      const frame = textFrame(Buffer.from(text));
      // The same bytes to every socket, several frames in one corked write.
      for (const socket of sockets) {
        socket.cork();
        socket.write(frame);
      }
      for (const socket of sockets) socket.uncork();
    }
    const expected = texts.map((text) => ({ text, isBinary: false }));
    for (const c of clients) {
      const deadline = Date.now() + 5000;
      while (c.received.length < texts.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(c.received).toEqual(expected);
      c.ws.close();
    }
  });

  it('is one unmasked final text frame with the length in its header', () => {
    const short = textFrame(Buffer.from('hi'));
    expect([...short]).toEqual([0x81, 2, 0x68, 0x69]);
    const medium = textFrame(Buffer.alloc(300, 0x61));
    expect([...medium.subarray(0, 4)]).toEqual([0x81, 126, 300 >> 8, 300 & 0xff]);
    expect(medium.length).toBe(304);
    const long = textFrame(Buffer.alloc(70_000, 0x61));
    expect(long[0]).toBe(0x81);
    expect(long[1]).toBe(127);
    expect(Number(long.readBigUInt64BE(2))).toBe(70_000);
    expect(long.length).toBe(70_010);
  });
});
