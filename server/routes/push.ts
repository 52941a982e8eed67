import type { OpenAPIHono } from '@hono/zod-openapi';
import { okSchema } from '../../shared/schemas/common';
import { pushKeyResponse, pushSubscriptionBody } from '../../shared/schemas/push';
import type { AppDeps, AppEnv } from '../deps';
import { pushPublicKey, subscribePush, unsubscribePush } from '../services/push';
import { publicRoute, sessionRoute } from './declare-route';
import { errorResponses, jsonBody, jsonResponse } from './openapi';

const key = publicRoute({
  operationId: 'getPushKey',
  method: 'get',
  path: '/v1/push/key',
  tags: ['push'],
  summary: 'The relay’s VAPID public key, for PushManager.subscribe (404 push_unavailable: push is off)',
  responses: {
    200: jsonResponse(pushKeyResponse, 'the key'),
    404: errorResponses[404],
  },
});

const subscribe = sessionRoute({
  operationId: 'subscribePush',
  method: 'put',
  path: '/v1/push/subscription',
  tags: ['push'],
  summary: 'Store this device’s push endpoint (the only thing stored; pushes carry no payload)',
  request: jsonBody(pushSubscriptionBody),
  responses: {
    200: jsonResponse(okSchema, 'stored'),
    400: errorResponses[400],
    401: errorResponses[401],
    404: errorResponses[404],
  },
});

const unsubscribe = sessionRoute({
  operationId: 'unsubscribePush',
  method: 'delete',
  path: '/v1/push/subscription',
  tags: ['push'],
  summary: 'Forget this device’s push endpoint',
  responses: { 200: jsonResponse(okSchema, 'forgotten'), 401: errorResponses[401] },
});

export function pushRoutes(app: OpenAPIHono<AppEnv>, deps: AppDeps): void {
  app.openapi(key, (c) => c.json(pushPublicKey(deps), 200));
  app.openapi(subscribe, async (c) => {
    await subscribePush(deps, c.var.deviceId, c.req.valid('json').endpoint);
    return c.json({ ok: true as const }, 200);
  });
  app.openapi(unsubscribe, async (c) => {
    await unsubscribePush(deps, c.var.deviceId);
    return c.json({ ok: true as const }, 200);
  });
}
