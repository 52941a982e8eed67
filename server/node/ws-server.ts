// The `ws` adapter: upgrades /v1/ws, feeds frames to a SocketSession, keeps
// connections alive with pings, and cuts off a peer that does not read.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_FRAME_BYTES, WS_CLOSE } from '../../shared/schemas/ws';
import { DEFAULT_SOCKET_LIMITS, type SocketLimits } from '../config';
import type { AppDeps } from '../deps';
import { socketScope } from '../live/socket-path';
import { SocketSession } from '../live/socket-session';
import { batchedWriter } from './batched-writer';

export function attachWebSockets(server: Server, deps: AppDeps, options: SocketLimits = DEFAULT_SOCKET_LIMITS) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
  const alive = new WeakSet<WebSocket>();
  const sessions = new Map<WebSocket, SocketSession>();
  let shuttingDown = false;

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const scope = socketScope(req.url ?? '');
    if (scope === null) return void socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
    if (wss.clients.size >= options.maxSockets) return void socket.end('HTTP/1.1 503 Service Unavailable\r\n\r\n');
    wss.handleUpgrade(req, socket, head, (ws) => connect(ws, scope, socket));
  });

  const writer = batchedWriter();

  function cutOff(ws: WebSocket, code: number, reason: string): void {
    ws.close(code, reason);
    setTimeout(() => ws.terminate(), 1000).unref();
  }

  function connect(ws: WebSocket, scope: string | undefined, socket: Duplex): void {
    alive.add(ws);
    const session = new SocketSession(
      deps,
      {
        send: (text) => {
          if (ws.readyState !== ws.OPEN) return;
          if (ws.bufferedAmount > options.maxBufferedBytes)
            return cutOff(ws, WS_CLOSE.slowConsumer, 'too slow; catch up over HTTP');
          // Past ws's sender, straight to the socket: that sender writes at once
          // too (it queues only while compressing, which this server never does,
          // or reading a Blob, which it never sends), so frames keep their order
          // with the pings and the close that go through it.
          writer.write(socket, text);
        },
        close: (code, reason) => cutOff(ws, code, reason),
      },
      scope,
    );
    sessions.set(ws, session);
    const authTimer = setTimeout(() => {
      if (!session.authenticated) cutOff(ws, WS_CLOSE.unauthenticated, 'authenticate first');
    }, options.authTimeoutMs);
    ws.on('message', (data, isBinary) => {
      if (!shuttingDown) session.onFrame(isBinary ? '' : data.toString());
    });
    ws.on('pong', () => alive.add(ws));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      clearTimeout(authTimer);
      sessions.delete(ws);
      session.onClose();
    });
  }

  const heartbeat = setInterval(() => {
    for (const session of sessions.values())
      session.revalidate().catch((err: Error) => deps.log.error(`ws_revalidate_failed ${err.name}`));
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, options.heartbeatMs);
  heartbeat.unref();

  return {
    wss,
    /**
     * Shutdown: stop reading, let every session finish (and ack) the frames it
     * already received, then close each socket with a reason. Frames that
     * arrive later are dropped unanswered (the client retries them).
     */
    async closeAll(reason: string, graceMs = 3000): Promise<void> {
      clearInterval(heartbeat);
      shuttingDown = true;
      for (const ws of wss.clients) ws.pause();
      const drained = Promise.all([...sessions.values()].map((s) => s.drain()));
      await Promise.race([drained, new Promise((r) => setTimeout(r, graceMs))]);
      const closed = [...wss.clients].map((ws) => new Promise((r) => ws.once('close', r)));
      // Reading again lets the closing handshake complete.
      for (const ws of wss.clients) {
        ws.resume();
        cutOff(ws, WS_CLOSE.goingAway, reason);
      }
      await Promise.all(closed);
    },
  };
}
