import type { OpenAPIHono } from '@hono/zod-openapi';
import { groupParams, okSchema } from '../../shared/schemas/common';
import { commitResultSchema } from '../../shared/schemas/groups';
import {
  approveJoinBody,
  clearJoinRequestsQuery,
  clearJoinRequestsResponse,
  joinRequestListResponse,
  joinRequestParams,
  myJoinRequestsResponse,
} from '../../shared/schemas/join-requests';
import type { AppDeps, AppEnv } from '../deps';
import {
  approveJoinRequest,
  clearJoinRequests,
  listJoinRequests,
  listMyJoinRequests,
  rejectJoinRequest,
} from '../services/join-requests';
import { sessionRoute } from './declare-route';
import { errorResponses, jsonBody, jsonResponse } from './openapi';

const adminErrors = {
  400: errorResponses[400],
  401: errorResponses[401],
  403: errorResponses[403],
  404: errorResponses[404],
};

const list = sessionRoute({
  operationId: 'listJoinRequests',
  method: 'get',
  path: '/v1/groups/{groupId}/join-requests',
  tags: ['join requests'],
  summary: 'Pending join requests (admins)',
  request: { params: groupParams },
  responses: { 200: jsonResponse(joinRequestListResponse, 'pending requests'), ...adminErrors },
});

const approve = sessionRoute({
  operationId: 'approveJoinRequest',
  method: 'post',
  path: '/v1/groups/{groupId}/join-requests/{requestId}/approve',
  tags: ['join requests'],
  summary: 'Approve with a roster commit that adds the requesting device',
  request: { params: joinRequestParams, ...jsonBody(approveJoinBody) },
  responses: { 200: jsonResponse(commitResultSchema, 'approved'), ...adminErrors, 409: errorResponses[409] },
});

const reject = sessionRoute({
  operationId: 'rejectJoinRequest',
  method: 'post',
  path: '/v1/groups/{groupId}/join-requests/{requestId}/reject',
  tags: ['join requests'],
  summary: 'Reject a join request',
  request: { params: joinRequestParams },
  responses: { 200: jsonResponse(okSchema, 'rejected'), ...adminErrors },
});

const clear = sessionRoute({
  operationId: 'clearJoinRequests',
  method: 'delete',
  path: '/v1/groups/{groupId}/join-requests',
  tags: ['join requests'],
  summary: 'Reject every pending join request of the group, or of one invite (admins)',
  request: { params: groupParams, query: clearJoinRequestsQuery },
  responses: { 200: jsonResponse(clearJoinRequestsResponse, 'how many were rejected'), ...adminErrors },
});

const mine = sessionRoute({
  operationId: 'listMyJoinRequests',
  method: 'get',
  path: '/v1/join-requests',
  tags: ['join requests'],
  summary: 'This device’s own pending join requests',
  responses: { 200: jsonResponse(myJoinRequestsResponse, 'pending requests'), 401: errorResponses[401] },
});

export function joinRequestRoutes(app: OpenAPIHono<AppEnv>, deps: AppDeps): void {
  app.openapi(list, async (c) => {
    const { groupId } = c.req.valid('param');
    const me = c.var.deviceId;
    return c.json({ requests: await listJoinRequests(deps, me, groupId) }, 200);
  });
  app.openapi(approve, async (c) => {
    const { groupId, requestId } = c.req.valid('param');
    const { commit } = c.req.valid('json');
    const me = c.var.deviceId;
    return c.json(await approveJoinRequest(deps, me, groupId, requestId, commit), 200);
  });
  app.openapi(reject, async (c) => {
    const { groupId, requestId } = c.req.valid('param');
    const me = c.var.deviceId;
    await rejectJoinRequest(deps, me, groupId, requestId);
    return c.json({ ok: true as const }, 200);
  });
  app.openapi(clear, async (c) => {
    const { groupId } = c.req.valid('param');
    const { inviteId } = c.req.valid('query');
    const me = c.var.deviceId;
    return c.json({ removed: await clearJoinRequests(deps, me, groupId, inviteId) }, 200);
  });
  app.openapi(mine, async (c) => {
    const me = c.var.deviceId;
    return c.json({ requests: await listMyJoinRequests(deps, me) }, 200);
  });
}
