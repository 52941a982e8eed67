import type { OpenAPIHono } from '@hono/zod-openapi';
import {
  challengeBody,
  challengeResponse,
  loginBody,
  loginResponse,
  logoutAllResponse,
} from '../../shared/schemas/auth';
import { okSchema } from '../../shared/schemas/common';
import type { AppDeps, AppEnv } from '../deps';
import { issueChallenge, login, logout, logoutEverywhere } from '../services/sessions';
import { publicRoute, sessionRoute } from './declare-route';
import { errorResponses, jsonBody, jsonResponse } from './openapi';

const challenge = publicRoute({
  operationId: 'createLoginChallenge',
  method: 'post',
  path: '/v1/auth/challenge',
  tags: ['auth'],
  summary: 'Get a single-use login challenge',
  request: jsonBody(challengeBody),
  responses: {
    200: jsonResponse(challengeResponse, 'a challenge to sign'),
    404: errorResponses[404],
    429: errorResponses[429],
  },
});

const loginRoute = publicRoute({
  operationId: 'login',
  method: 'post',
  path: '/v1/auth/login',
  tags: ['auth'],
  summary: 'Exchange a signed challenge for an opaque session token',
  request: jsonBody(loginBody),
  responses: {
    200: jsonResponse(loginResponse, 'a session token'),
    401: errorResponses[401],
    404: errorResponses[404],
  },
});

const logoutRoute = sessionRoute({
  operationId: 'logout',
  method: 'post',
  path: '/v1/auth/logout',
  tags: ['auth'],
  summary: 'End this session',
  responses: { 200: jsonResponse(okSchema, 'ended'), 401: errorResponses[401] },
});

const logoutAll = sessionRoute({
  operationId: 'logoutEverywhere',
  method: 'post',
  path: '/v1/auth/logout-all',
  tags: ['auth'],
  summary: 'End every session of this device (e.g. after a token was stolen)',
  responses: { 200: jsonResponse(logoutAllResponse, 'ended'), 401: errorResponses[401] },
});

const bearerToken = (header: string | undefined): string => header?.replace(/^Bearer /, '') ?? '';

export function authRoutes(app: OpenAPIHono<AppEnv>, deps: AppDeps): void {
  app.openapi(challenge, async (c) => c.json(await issueChallenge(deps, c.req.valid('json').deviceId), 200));
  app.openapi(loginRoute, async (c) => c.json(await login(deps, c.req.valid('json')), 200));
  app.openapi(logoutRoute, async (c) => {
    const me = c.var.deviceId;
    await logout(deps, me, bearerToken(c.req.header('authorization')));
    return c.json({ ok: true as const }, 200);
  });
  app.openapi(logoutAll, async (c) => {
    const me = c.var.deviceId;
    return c.json({ ok: true as const, revoked: await logoutEverywhere(deps, me) }, 200);
  });
}
