// Route declarations (server/routes/declare-route.ts): the body limit is the
// configured one unless a route names its own, and a session route refuses a
// request without a session before it validates the body.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_CONFIG } from '../../server/config';
import type { AppDeps } from '../../server/deps';
import { sendError, toApiError } from '../../server/errors';
import { publicRoute, sessionRoute } from '../../server/routes/declare-route';
import { jsonBody, jsonResponse, newRouter } from '../../server/routes/openapi';

const text = z.object({ text: z.string().min(2) });
const echo = (path: string) =>
  ({
    operationId: path.slice(1),
    method: 'post',
    path,
    request: jsonBody(text),
    responses: { 200: jsonResponse(text, 'the same') },
  }) as const;

function testApp() {
  const app = newRouter();
  const deps = { config: { ...DEFAULT_CONFIG, maxBodyBytes: 64 } } as AppDeps;
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  app.onError((err, c) => sendError(c, toApiError(err).error));
  app.openapi(publicRoute(echo('/default')), (c) => c.json(c.req.valid('json'), 200));
  app.openapi(publicRoute(echo('/upload'), { bodyLimit: (config) => config.maxBodyBytes * 4 }), (c) =>
    c.json(c.req.valid('json'), 200),
  );
  app.openapi(sessionRoute(echo('/mine')), (c) => c.json({ text: c.var.deviceId }, 200));
  return app;
}

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  testApp().request(path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
const padded = (bytes: number) => JSON.stringify({ text: 'x'.repeat(bytes - 11) });

describe('route declarations', () => {
  it('a route takes the configured body limit, and answers 413 payload_too_large with Connection: close over it', async () => {
    expect((await post('/default', padded(64))).status).toBe(200);
    const res = await post('/default', padded(65));
    expect({ status: res.status, connection: res.headers.get('connection'), body: await res.json() }).toEqual({
      status: 413,
      connection: 'close',
      body: { error: { code: 'payload_too_large', message: 'request body is too large' } },
    });
  });

  it('a route that declares its own body limit takes that one instead', async () => {
    expect((await post('/upload', padded(256))).status).toBe(200);
    expect((await post('/upload', padded(257))).status).toBe(413);
  });

  it('a session route answers 401 unauthenticated to a request without a session, even with an invalid body', async () => {
    const res = await post('/mine', '{"text":', { authorization: 'Basic abc' });
    expect({ status: res.status, body: await res.json() }).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthenticated' } },
    });
  });
});
