// A local push service for the tests: an HTTP server on 127.0.0.1 that
// speaks RFC 8030 the way FCM or Mozilla's autopush would, and checks every
// push the relay sends against RFC 8292: the VAPID JWT's ES256 signature
// against the relay's GET /v1/push/key, its aud/exp/sub claims, the TTL,
// Urgency and Topic headers, and an empty body. Each endpoint can be told to
// answer 201, 410, 429, 500, a redirect, or to hang.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fromB64, fromUtf8 } from '../../shared/crypto/encoding';

export type PushAnswer = 201 | 404 | 410 | 429 | 500 | 'hang' | { redirectTo: string };

export interface ReceivedPush {
  /** the endpoint's path (one per subscription) */
  path: string;
  at: number;
  headers: IncomingMessage['headers'];
  bodyBytes: number;
  /** what does not follow RFC 8030/8292 or the relay's rules (empty: all good) */
  problems: string[];
}

export interface PushService {
  origin: string;
  /** a new subscription endpoint on this service */
  newEndpoint(): string;
  /** how this endpoint answers from now on (default 201) */
  answer(endpoint: string, answer: PushAnswer): void;
  /** pushes received so far for an endpoint (or all) */
  received(endpoint?: string): ReceivedPush[];
  /** requests left hanging right now */
  hanging(): number;
  close(): Promise<void>;
}

async function verifyVapid(authorization: string, relayKey: string, origin: string): Promise<string[]> {
  const m = /^vapid t=([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+), k=([A-Za-z0-9_-]+)$/.exec(authorization);
  if (!m) return ['Authorization is not "vapid t=…, k=…"'];
  const [, header, claims, signature, k] = m as unknown as [string, string, string, string, string];
  const problems: string[] = [];
  if (k !== relayKey) problems.push('k is not the key the relay serves at /v1/push/key');
  const head = JSON.parse(fromUtf8(fromB64(header))) as { alg?: string; typ?: string };
  if (head.alg !== 'ES256') problems.push(`alg ${head.alg}`);
  const key = await crypto.subtle.importKey(
    'raw',
    new Uint8Array(fromB64(relayKey)),
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['verify'],
  );
  const signed = new TextEncoder().encode(`${header}.${claims}`);
  if (
    !(await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, new Uint8Array(fromB64(signature)), signed))
  )
    problems.push('JWT signature does not verify with the relay key');
  const c = JSON.parse(fromUtf8(fromB64(claims))) as { aud?: string; exp?: number; sub?: string };
  const now = Math.floor(Date.now() / 1000);
  if (c.aud !== origin) problems.push(`aud ${c.aud} is not ${origin}`);
  if (typeof c.exp !== 'number' || c.exp <= now || c.exp > now + 86_400) problems.push(`exp ${c.exp} not within a day`);
  if (!/^(mailto:|https:\/\/)/.test(c.sub ?? '')) problems.push(`sub ${c.sub} is not a contact`);
  return problems;
}

/** `relayUrl()` is read at the first push (the relay may start after this service). */
export async function startPushService(relayUrl: () => string): Promise<PushService> {
  const answers = new Map<string, PushAnswer>();
  const received: ReceivedPush[] = [];
  const hung = new Set<ServerResponse>();
  let relayKey: string | null = null;
  let origin = '';

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', async () => {
      const path = req.url ?? '';
      relayKey ??= ((await (await fetch(`${relayUrl()}/v1/push/key`)).json()) as { publicKey: string }).publicKey;
      const problems: string[] = [];
      if (req.method !== 'POST') problems.push(`method ${req.method}`);
      problems.push(...(await verifyVapid(req.headers.authorization ?? '', relayKey, origin)));
      if (req.headers.ttl !== '86400') problems.push(`TTL ${req.headers.ttl}`);
      if (req.headers.urgency !== 'normal') problems.push(`Urgency ${req.headers.urgency}`);
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(String(req.headers.topic ?? ''))) problems.push(`Topic ${req.headers.topic}`);
      const bodyBytes = Buffer.concat(chunks).length;
      if (bodyBytes !== 0) problems.push(`body of ${bodyBytes} bytes`);
      if (req.headers['content-encoding']) problems.push(`Content-Encoding ${req.headers['content-encoding']}`);
      received.push({ path, at: Date.now(), headers: req.headers, bodyBytes, problems });

      const answer = answers.get(path) ?? 201;
      if (answer === 'hang') {
        hung.add(res);
        res.on('close', () => hung.delete(res));
        return;
      }
      if (typeof answer === 'object') {
        res.writeHead(307, { Location: answer.redirectTo }).end();
        return;
      }
      res.writeHead(answer, answer === 429 ? { 'Retry-After': '0' } : {}).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pathOf = (endpoint: string) => new URL(endpoint).pathname;

  return {
    origin,
    newEndpoint: () => `${origin}/wpush/v2/${randomBytes(24).toString('base64url')}`,
    answer: (endpoint, answer) => answers.set(pathOf(endpoint), answer),
    received: (endpoint) => (endpoint ? received.filter((r) => r.path === pathOf(endpoint)) : [...received]),
    hanging: () => hung.size,
    close: async () => {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
