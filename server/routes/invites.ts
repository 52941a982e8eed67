import type { OpenAPIHono } from '@hono/zod-openapi';
import { groupParams } from '../../shared/schemas/common';
import {
  createdInviteResponse,
  createInviteBody,
  inviteCodeBody,
  inviteListResponse,
  inviteParams,
  invitePreviewResponse,
  inviteViewSchema,
  redeemInviteBody,
  rotatedInviteResponse,
} from '../../shared/schemas/invites';
import { joinRequestViewSchema } from '../../shared/schemas/join-requests';
import type { AppDeps, AppEnv } from '../deps';
import {
  createInvite,
  listGroupInvites,
  previewInvite,
  redeemInvite,
  revokeInvite,
  rotateInvites,
} from '../services/invites';
import { sessionRoute } from './declare-route';
import { errorResponses, jsonBody, jsonResponse } from './openapi';

const adminErrors = { 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403] };
const redeemErrors = {
  ...adminErrors,
  404: errorResponses[404],
  409: errorResponses[409],
  410: jsonResponse(errorResponses[400].content['application/json'].schema, 'expired, revoked or used up'),
  429: errorResponses[429],
};

const create = sessionRoute({
  operationId: 'createInvite',
  method: 'post',
  path: '/v1/groups/{groupId}/invites',
  tags: ['invites'],
  summary: 'Create an invite; the code is in this response only',
  request: { params: groupParams, ...jsonBody(createInviteBody) },
  responses: { 201: jsonResponse(createdInviteResponse, 'created'), ...adminErrors },
});

const list = sessionRoute({
  operationId: 'listInvites',
  method: 'get',
  path: '/v1/groups/{groupId}/invites',
  tags: ['invites'],
  summary: 'The group’s invites (never their codes)',
  request: { params: groupParams },
  responses: { 200: jsonResponse(inviteListResponse, 'invites'), ...adminErrors },
});

const revoke = sessionRoute({
  operationId: 'revokeInvite',
  method: 'post',
  path: '/v1/groups/{groupId}/invites/{inviteId}/revoke',
  tags: ['invites'],
  summary: 'Revoke an invite',
  request: { params: inviteParams },
  responses: { 200: jsonResponse(inviteViewSchema, 'revoked'), ...adminErrors, 404: errorResponses[404] },
});

const rotate = sessionRoute({
  operationId: 'rotateInvites',
  method: 'post',
  path: '/v1/groups/{groupId}/invites/rotate',
  tags: ['invites'],
  summary: 'Revoke every active invite and create one new one, atomically',
  request: { params: groupParams, ...jsonBody(createInviteBody) },
  responses: { 201: jsonResponse(rotatedInviteResponse, 'rotated'), ...adminErrors },
});

const preview = sessionRoute({
  operationId: 'previewInvite',
  method: 'post',
  path: '/v1/invites/preview',
  tags: ['invites'],
  summary: 'What a code invites to, and the admins who will read the introduction',
  request: jsonBody(inviteCodeBody),
  responses: { 200: jsonResponse(invitePreviewResponse, 'the invite'), ...redeemErrors },
});

const redeem = sessionRoute({
  operationId: 'redeemInvite',
  method: 'post',
  path: '/v1/invites/redeem',
  tags: ['invites'],
  summary: 'Redeem a code: files a join request for an admin to approve',
  request: jsonBody(redeemInviteBody),
  responses: {
    200: jsonResponse(joinRequestViewSchema, 'already requested'),
    201: jsonResponse(joinRequestViewSchema, 'requested'),
    ...redeemErrors,
  },
});

export function inviteRoutes(app: OpenAPIHono<AppEnv>, deps: AppDeps): void {
  app.openapi(create, async (c) => {
    const { groupId } = c.req.valid('param');
    const spec = c.req.valid('json');
    const me = c.var.deviceId;
    return c.json(await createInvite(deps, me, groupId, spec), 201);
  });
  app.openapi(list, async (c) => {
    const { groupId } = c.req.valid('param');
    const me = c.var.deviceId;
    return c.json({ invites: await listGroupInvites(deps, me, groupId) }, 200);
  });
  app.openapi(rotate, async (c) => {
    const { groupId } = c.req.valid('param');
    const spec = c.req.valid('json');
    const me = c.var.deviceId;
    return c.json(await rotateInvites(deps, me, groupId, spec), 201);
  });
  app.openapi(revoke, async (c) => {
    const { groupId, inviteId } = c.req.valid('param');
    const me = c.var.deviceId;
    return c.json(await revokeInvite(deps, me, groupId, inviteId), 200);
  });
  app.openapi(preview, async (c) => {
    const { code } = c.req.valid('json');
    const me = c.var.deviceId;
    return c.json(await previewInvite(deps, me, code), 200);
  });
  app.openapi(redeem, async (c) => {
    const { code, introduction } = c.req.valid('json');
    const me = c.var.deviceId;
    const { created, request } = await redeemInvite(deps, me, code, introduction);
    return created ? c.json(request, 201) : c.json(request, 200);
  });
}
