// The generator's lean WebSocket client against a real `ws` server: every
// frame arrives whole and in order, however TCP cuts the bytes.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LeanSocket, openLeanWs } from '../../../bench/load/lean-ws';

let server: WebSocketServer;
let url: string;

beforeAll(async () => {
  server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await new Promise((r) => server.once('listening', r));
  url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/v1/ws?x=1`;
  server.on('connection', (socket, req) => {
    socket.on('message', (data) => {
      const sizes = [0, 5, 125, 126, 200, 65_535, 65_536, 300_000];
      socket.send(`path ${req.url}`);
      socket.ping('are you there');
      for (const size of sizes) socket.send(`${data.toString()}:${'x'.repeat(size)}`);
      socket.send('done');
    });
  });
});

afterAll(() => {
  for (const c of server.clients) c.terminate();
  return new Promise((r) => server.close(r));
});

describe('the load generator’s lean WebSocket client', () => {
  it('opens, sends a masked frame the server reads, and receives frames of every length class whole and in order', async () => {
    const got: string[] = [];
    let pong = false;
    server.once('connection', (socket) => socket.on('pong', () => (pong = true)));
    let lean: Promise<LeanSocket> | undefined;
    const done = new Promise<void>((resolve, reject) => {
      lean = openLeanWs(
        url,
        (bytes, start, end) => {
          const text = bytes.toString('utf8', start, end);
          got.push(text);
          if (text === 'done') resolve();
        },
        reject,
      );
      lean.then((s) => s.send('hello'), reject);
    });
    await done;
    expect(got[0]).toBe('path /v1/ws?x=1');
    expect(got.slice(1, -1).map((t) => t.length)).toEqual(
      [0, 5, 125, 126, 200, 65_535, 65_536, 300_000].map((n) => 'hello:'.length + n),
    );
    expect(got.slice(1, -1).every((t) => t.startsWith('hello:'))).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(pong).toBe(true);
    (await lean!).close();
  });

  it('refuses a server that does not switch protocols', async () => {
    const http = createServer((_req, res) => res.writeHead(400).end());
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const port = (http.address() as { port: number }).port;
    await expect(
      openLeanWs(
        `ws://127.0.0.1:${port}/`,
        () => undefined,
        () => undefined,
      ),
    ).rejects.toThrow('no WebSocket: HTTP/1.1 400 Bad Request');
    http.close();
  });
});
