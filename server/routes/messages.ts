import type { OpenAPIHono } from '@hono/zod-openapi';
import { groupParams } from '../../shared/schemas/common';
import {
  messageListResponse,
  messageParams,
  messageQuery,
  nextPageLink,
  pinBody,
  postMessageBody,
  postMessageResponse,
  storedMessageSchema,
} from '../../shared/schemas/messages';
import { z } from 'zod';
import type { AppDeps, AppEnv } from '../deps';
import { pinBulletin, postMessage, readMessages, readPinned } from '../services/messages';
import { sessionRoute } from './declare-route';
import { errorResponses, jsonBody, jsonResponse } from './openapi';

const memberErrors = { 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403] };

const post = sessionRoute({
  operationId: 'postMessage',
  method: 'post',
  path: '/v1/groups/{groupId}/messages',
  tags: ['messages'],
  summary: 'Store a message or bulletin (idempotent on clientMsgId); answered only after it is durably stored',
  request: { params: groupParams, ...jsonBody(postMessageBody) },
  responses: {
    200: jsonResponse(postMessageResponse, 'already stored: the first sequence'),
    201: jsonResponse(postMessageResponse, 'stored'),
    ...memberErrors,
    409: errorResponses[409],
    429: errorResponses[429],
  },
});

const list = sessionRoute({
  operationId: 'listMessages',
  method: 'get',
  path: '/v1/groups/{groupId}/messages',
  tags: ['messages'],
  summary: 'Messages after a sequence, in order (catch-up); a Link header (rel="next") names the next page',
  request: { params: groupParams, query: messageQuery },
  responses: { 200: jsonResponse(messageListResponse, 'a page of messages'), ...memberErrors },
});

const pinned = sessionRoute({
  operationId: 'listPinnedBulletins',
  method: 'get',
  path: '/v1/groups/{groupId}/bulletins/pinned',
  tags: ['messages'],
  summary: 'Pinned bulletins, newest first',
  request: { params: groupParams },
  responses: {
    200: jsonResponse(z.object({ messages: z.array(storedMessageSchema) }), 'pinned bulletins'),
    ...memberErrors,
  },
});

const pin = sessionRoute({
  operationId: 'pinBulletin',
  method: 'put',
  path: '/v1/groups/{groupId}/messages/{seq}/pin',
  tags: ['messages'],
  summary: 'Pin or unpin a bulletin (facilitators and admins)',
  request: { params: messageParams, ...jsonBody(pinBody) },
  responses: { 200: jsonResponse(storedMessageSchema, 'the bulletin'), ...memberErrors, 404: errorResponses[404] },
});

export function messageRoutes(app: OpenAPIHono<AppEnv>, deps: AppDeps): void {
  app.openapi(post, async (c) => {
    const { groupId } = c.req.valid('param');
    const input = c.req.valid('json');
    const me = c.var.deviceId;
    const result = await postMessage(deps, me, groupId, input);
    return result.duplicate ? c.json(result, 200) : c.json(result, 201);
  });
  app.openapi(list, async (c) => {
    const { groupId } = c.req.valid('param');
    const { after, limit } = c.req.valid('query');
    const me = c.var.deviceId;
    const page = await readMessages(deps, me, groupId, after, limit);
    // The next page's address before the body, so a client can ask for it while it reads this one.
    const last = page.messages.at(-1);
    if (page.hasMore && last) c.header('link', nextPageLink(groupId, last.seq, limit));
    return c.json(page, 200);
  });
  app.openapi(pinned, async (c) => {
    const { groupId } = c.req.valid('param');
    const me = c.var.deviceId;
    return c.json({ messages: await readPinned(deps, me, groupId) }, 200);
  });
  app.openapi(pin, async (c) => {
    const { groupId, seq } = c.req.valid('param');
    const { pinned: value } = c.req.valid('json');
    const me = c.var.deviceId;
    return c.json(await pinBulletin(deps, me, groupId, seq, value), 200);
  });
}
