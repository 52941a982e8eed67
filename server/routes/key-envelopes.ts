import type { OpenAPIHono } from '@hono/zod-openapi';
import { groupParams } from '../../shared/schemas/common';
import {
  envelopeListResponse,
  envelopeQuery,
  MAX_ENVELOPE_BATCH_BODY_BYTES,
  rekeyResponse,
  uploadEnvelopesBody,
  uploadEnvelopesResponse,
} from '../../shared/schemas/key-envelopes';
import type { AppDeps, AppEnv } from '../deps';
import { readEnvelopes, requestRekey, uploadEnvelopes } from '../services/key-envelopes';
import { sessionRoute } from './declare-route';
import { errorResponses, jsonBody, jsonResponse } from './openapi';

const upload = sessionRoute(
  {
    operationId: 'uploadKeyEnvelopes',
    method: 'post',
    path: '/v1/groups/{groupId}/key-envelopes',
    tags: ['key envelopes'],
    summary: 'Upload one epoch’s sealed epoch secrets (admins)',
    request: { params: groupParams, ...jsonBody(uploadEnvelopesBody) },
    responses: {
      200: jsonResponse(uploadEnvelopesResponse, 'stored'),
      400: errorResponses[400],
      401: errorResponses[401],
      403: errorResponses[403],
    },
  },
  // a whole epoch's batch in one request (up to the 1,000 members a group holds)
  { bodyLimit: () => MAX_ENVELOPE_BATCH_BODY_BYTES },
);

const read = sessionRoute({
  operationId: 'listKeyEnvelopes',
  method: 'get',
  path: '/v1/groups/{groupId}/key-envelopes',
  tags: ['key envelopes'],
  summary: 'This device’s sealed epoch secrets after an epoch',
  request: { params: groupParams, query: envelopeQuery },
  responses: {
    200: jsonResponse(envelopeListResponse, 'envelopes'),
    401: errorResponses[401],
    403: errorResponses[403],
  },
});

const rekey = sessionRoute({
  operationId: 'requestRekey',
  method: 'post',
  path: '/v1/groups/{groupId}/rekey',
  tags: ['key envelopes'],
  summary: 'Ask the group’s admins for a fresh epoch (members; nothing is stored)',
  request: { params: groupParams },
  responses: {
    202: jsonResponse(rekeyResponse, 'passed on to the admins online'),
    401: errorResponses[401],
    403: errorResponses[403],
    429: errorResponses[429],
  },
});

export function keyEnvelopeRoutes(app: OpenAPIHono<AppEnv>, deps: AppDeps): void {
  app.openapi(upload, async (c) => {
    const { groupId } = c.req.valid('param');
    const batch = c.req.valid('json');
    const me = c.var.deviceId;
    return c.json({ stored: await uploadEnvelopes(deps, me, groupId, batch) }, 200);
  });
  app.openapi(read, async (c) => {
    const { groupId } = c.req.valid('param');
    const { afterEpoch } = c.req.valid('query');
    const me = c.var.deviceId;
    return c.json({ envelopes: await readEnvelopes(deps, me, groupId, afterEpoch) }, 200);
  });
  app.openapi(rekey, async (c) => {
    const { groupId } = c.req.valid('param');
    const me = c.var.deviceId;
    await requestRekey(deps, me, groupId);
    return c.json({ ok: true as const }, 202);
  });
}
