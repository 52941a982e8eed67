import type { OpenAPIHono } from '@hono/zod-openapi';
import { groupParams } from '../../shared/schemas/common';
import {
  appendCommitBody,
  commitResultSchema,
  createGroupBody,
  groupListResponse,
  groupSummarySchema,
  rosterQuery,
  rosterResponse,
} from '../../shared/schemas/groups';
import type { AppDeps, AppEnv } from '../deps';
import { appendCommit, createGroup, listGroups, readRoster } from '../services/roster';
import { sessionRoute } from './declare-route';
import { errorResponses, jsonBody, jsonResponse } from './openapi';

const create = sessionRoute({
  operationId: 'createGroup',
  method: 'post',
  path: '/v1/groups',
  tags: ['groups'],
  summary: 'Create a group from its signed genesis roster commit',
  request: jsonBody(createGroupBody),
  responses: {
    201: jsonResponse(groupSummarySchema, 'created'),
    400: errorResponses[400],
    401: errorResponses[401],
    409: errorResponses[409],
  },
});

const list = sessionRoute({
  operationId: 'listGroups',
  method: 'get',
  path: '/v1/groups',
  tags: ['groups'],
  summary: 'The groups this device belongs to',
  responses: { 200: jsonResponse(groupListResponse, 'groups'), 401: errorResponses[401] },
});

const roster = sessionRoute({
  operationId: 'readRoster',
  method: 'get',
  path: '/v1/groups/{groupId}/roster',
  tags: ['groups'],
  summary: 'Roster commits after a sequence (members only)',
  request: { params: groupParams, query: rosterQuery },
  responses: {
    200: jsonResponse(rosterResponse, 'commits in order'),
    401: errorResponses[401],
    403: errorResponses[403],
  },
});

const append = sessionRoute({
  operationId: 'appendRosterCommit',
  method: 'post',
  path: '/v1/groups/{groupId}/roster',
  tags: ['groups'],
  summary:
    'Append a roster commit signed by an admin (or a member leaving); an added device needs a pending join request (403 not_requested)',
  request: { params: groupParams, ...jsonBody(appendCommitBody) },
  responses: {
    200: jsonResponse(commitResultSchema, 'appended'),
    400: errorResponses[400],
    401: errorResponses[401],
    403: errorResponses[403],
    409: errorResponses[409],
  },
});

export function groupRoutes(app: OpenAPIHono<AppEnv>, deps: AppDeps): void {
  app.openapi(create, async (c) => {
    const { genesis } = c.req.valid('json');
    const me = c.var.deviceId;
    return c.json(await createGroup(deps, me, genesis), 201);
  });
  app.openapi(list, async (c) => {
    const me = c.var.deviceId;
    return c.json({ groups: await listGroups(deps, me) }, 200);
  });
  app.openapi(roster, async (c) => {
    const { groupId } = c.req.valid('param');
    const { after } = c.req.valid('query');
    const me = c.var.deviceId;
    return c.json({ commits: await readRoster(deps, me, groupId, after) }, 200);
  });
  app.openapi(append, async (c) => {
    const { groupId } = c.req.valid('param');
    const { commit } = c.req.valid('json');
    const me = c.var.deviceId;
    return c.json(await appendCommit(deps, me, groupId, commit), 200);
  });
}
