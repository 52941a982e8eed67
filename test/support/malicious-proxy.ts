// A malicious server for the adversarial suite: a proxy in front of the real
// relay (a child process with its SQLite file) that can rewrite, drop, reorder,
// duplicate or inject what the relay answers over HTTP and pushes over the
// WebSocket. Clients point at the proxy exactly as at a server; real sockets
// on both sides. What it cannot do is what the server cannot do either: sign
// as a device, or open an envelope.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

export interface Exchange {
  method: string;
  /** path and query, e.g. /v1/groups/abc/messages?after=0 */
  path: string;
}

/** Returns the body to send instead (the same object, edited, is fine). */
export type ResponseRewrite = (body: any, req: Exchange) => any;
/** Returns the response headers to send instead (lower-case names; hop-by-hop ones are set by the proxy). */
export type HeaderRewrite = (headers: Record<string, string>, req: Exchange) => Record<string, string>;
/** Returns the frames to deliver instead: [] drops it, [f, f] duplicates it. */
export type PushRewrite = (frame: any, link: ProxyLink) => any[];

export interface ProxyLink {
  /** frames the relay sent on this socket, before any rewrite */
  readonly received: any[];
  /** sends a frame to the client as if the relay had pushed it */
  push(frame: unknown): void;
}

export interface MaliciousProxy {
  url: string;
  /** the all-groups socket, /v1/ws, through the proxy */
  wsUrl: string;
  /** rewrites JSON responses whose request matches; returns a function that removes the rule */
  rewriteResponses(match: (req: Exchange) => boolean, fn: ResponseRewrite): () => void;
  /** rewrites the headers of responses whose request matches; returns a function that removes the rule */
  rewriteHeaders(match: (req: Exchange) => boolean, fn: HeaderRewrite): () => void;
  /** rewrites every frame the relay pushes; returns a function that removes the rule */
  rewritePushes(fn: PushRewrite): () => void;
  /** open client sockets, oldest first */
  readonly links: ProxyLink[];
  /** every client frame the proxy forwarded (posts carry the envelopes a replay needs) */
  readonly clientFrames: any[];
  /** removes every rule */
  reset(): void;
  close(): Promise<void>;
}

/** Matches a method and a path pattern (the query string is ignored). */
export function route(method: string, pattern: RegExp): (req: Exchange) => boolean {
  return (req) => req.method === method && pattern.test(req.path.split('?')[0]!);
}

const HOP_HEADERS = new Set([
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'host',
  'content-encoding',
]);

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startMaliciousProxy(upstream: { url: string }): Promise<MaliciousProxy> {
  const responseRules = new Set<{ match: (req: Exchange) => boolean; fn: ResponseRewrite }>();
  const headerRules = new Set<{ match: (req: Exchange) => boolean; fn: HeaderRewrite }>();
  const pushRules = new Set<PushRewrite>();
  const links: ProxyLink[] = [];
  const clientFrames: any[] = [];
  const sockets = new Set<WebSocket>();

  const server = http.createServer(async (req, res) => {
    try {
      const exchange: Exchange = { method: req.method ?? 'GET', path: req.url ?? '/' };
      const body = await readBody(req);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (typeof v === 'string' && !HOP_HEADERS.has(k)) headers[k] = v;
      const answer = await fetch(`${upstream.url}${exchange.path}`, {
        method: exchange.method,
        headers,
        body: body.length > 0 ? new Uint8Array(body) : undefined,
      });
      let text = await answer.text();
      const rules = [...responseRules].filter((r) => r.match(exchange));
      if (rules.length > 0 && (answer.headers.get('content-type') ?? '').includes('application/json')) {
        let parsed = JSON.parse(text);
        for (const r of rules) parsed = r.fn(parsed, exchange);
        text = JSON.stringify(parsed);
      }
      let out: Record<string, string> = {};
      answer.headers.forEach((v, k) => HOP_HEADERS.has(k) || (out[k] = v));
      for (const r of headerRules) if (r.match(exchange)) out = r.fn(out, exchange);
      res.writeHead(answer.status, out);
      res.end(text);
    } catch {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'internal_error', message: 'proxy failure' } }));
    }
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (client) => {
      sockets.add(client);
      const relay = new WebSocket(`${upstream.url.replace(/^http/, 'ws')}${req.url}`);
      sockets.add(relay);
      const early: string[] = [];
      const link: ProxyLink = {
        received: [],
        push: (frame) => client.readyState === WebSocket.OPEN && client.send(JSON.stringify(frame)),
      };
      links.push(link);
      relay.on('open', () => early.splice(0).forEach((t) => relay.send(t)));
      relay.on('message', (data) => {
        const frame = JSON.parse(data.toString());
        link.received.push(frame);
        let frames = [frame];
        for (const rule of pushRules) frames = frames.flatMap((f) => rule(f, link));
        for (const f of frames) link.push(f);
      });
      client.on('message', (data) => {
        const text = data.toString();
        try {
          clientFrames.push(JSON.parse(text));
        } catch {
          // forwarded as is; the relay answers malformed frames itself
        }
        if (relay.readyState === WebSocket.OPEN) relay.send(text);
        else early.push(text);
      });
      const drop = () => {
        links.splice(links.indexOf(link), 1);
        if (client.readyState <= WebSocket.OPEN) client.close();
        if (relay.readyState <= WebSocket.OPEN) relay.close();
      };
      relay.on('close', drop);
      client.on('close', drop);
      relay.on('error', drop);
      client.on('error', drop);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    wsUrl: `ws://127.0.0.1:${port}/v1/ws`,
    links,
    clientFrames,
    rewriteResponses(match, fn) {
      const rule = { match, fn };
      responseRules.add(rule);
      return () => responseRules.delete(rule);
    },
    rewriteHeaders(match, fn) {
      const rule = { match, fn };
      headerRules.add(rule);
      return () => headerRules.delete(rule);
    },
    rewritePushes(fn) {
      pushRules.add(fn);
      return () => pushRules.delete(fn);
    },
    reset() {
      responseRules.clear();
      headerRules.clear();
      pushRules.clear();
    },
    async close() {
      for (const s of sockets) s.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
