// Attachment blob routes (PROTOCOL.md section 17). Only the part upload takes a
// large body (one part, 1 MiB); every other route keeps the API's body limit.
// Bodies and downloads are raw bytes, streamed both ways.
import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { BLOB_PART_BYTES } from '../../shared/protocol/attachment';
import {
  blobParams,
  blobPartParams,
  blobUploadResponse,
  createBlobBody,
  deleteBlobBody,
} from '../../shared/schemas/blobs';
import { errorSchema, groupParams, okSchema } from '../../shared/schemas/common';
import type { AppDeps, AppEnv } from '../deps';
import { completeUpload, createUpload, deleteBlob, openBlob, uploadPart, uploadStatus } from '../services/blobs';
import { sessionRoute } from './declare-route';
import { errorResponses, jsonBody, jsonResponse } from './openapi';

const tags = ['attachments'];
const bytes = (description: string) => ({
  content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
  description,
});
const tooLarge = jsonResponse(errorSchema, 'too large (blob_too_large, blob_quota_exceeded, payload_too_large)');
const unavailable = jsonResponse(errorSchema, 'this relay stores no attachments (blobs_unavailable)');

const create = sessionRoute({
  operationId: 'createBlobUpload',
  method: 'post',
  path: '/v1/groups/{groupId}/blobs',
  tags,
  summary: 'Reserve an encrypted attachment of an exact padded size (members)',
  request: { params: groupParams, ...jsonBody(createBlobBody) },
  responses: {
    201: jsonResponse(blobUploadResponse, 'reserved; send its parts'),
    400: errorResponses[400],
    401: errorResponses[401],
    403: errorResponses[403],
    413: tooLarge,
    429: errorResponses[429],
    503: unavailable,
  },
});

const status = sessionRoute({
  operationId: 'getBlobUpload',
  method: 'get',
  path: '/v1/groups/{groupId}/blobs/{blobId}/upload',
  tags,
  summary: 'How far this device’s unfinished upload got (to resume it)',
  request: { params: blobParams },
  responses: {
    200: jsonResponse(blobUploadResponse, 'the upload'),
    401: errorResponses[401],
    403: errorResponses[403],
    404: errorResponses[404],
    503: unavailable,
  },
});

const part = sessionRoute(
  {
    operationId: 'uploadBlobPart',
    method: 'put',
    path: '/v1/groups/{groupId}/blobs/{blobId}/parts/{index}',
    tags,
    summary: 'One 1 MiB part of an upload (the last may be shorter), in order; a part sent again replaces itself',
    request: { params: blobPartParams, body: { ...bytes('the part’s bytes'), required: true } },
    responses: {
      200: jsonResponse(blobUploadResponse, 'stored durably'),
      400: errorResponses[400],
      401: errorResponses[401],
      403: errorResponses[403],
      404: errorResponses[404],
      409: errorResponses[409],
      413: tooLarge,
      503: unavailable,
    },
  },
  { bodyLimit: () => BLOB_PART_BYTES },
);

const complete = sessionRoute({
  operationId: 'completeBlobUpload',
  method: 'post',
  path: '/v1/groups/{groupId}/blobs/{blobId}/complete',
  tags,
  summary: 'Finish an upload whose parts all arrived: the blob becomes readable to the group',
  request: { params: blobParams },
  responses: {
    200: jsonResponse(blobUploadResponse, 'complete'),
    401: errorResponses[401],
    403: errorResponses[403],
    404: errorResponses[404],
    409: errorResponses[409],
    503: unavailable,
  },
});

const download = sessionRoute({
  operationId: 'downloadBlob',
  method: 'get',
  path: '/v1/groups/{groupId}/blobs/{blobId}',
  tags,
  summary: 'An encrypted attachment’s bytes (members)',
  request: { params: blobParams },
  responses: {
    200: bytes('the encrypted blob'),
    401: errorResponses[401],
    403: errorResponses[403],
    404: errorResponses[404],
    503: unavailable,
  },
});

const remove = sessionRoute({
  operationId: 'deleteBlob',
  method: 'delete',
  path: '/v1/groups/{groupId}/blobs/{blobId}',
  tags,
  summary: 'Delete an attachment with its delete token (its message was deleted for everyone)',
  request: { params: blobParams, ...jsonBody(deleteBlobBody) },
  responses: {
    200: jsonResponse(okSchema, 'deleted'),
    400: errorResponses[400],
    401: errorResponses[401],
    403: errorResponses[403],
    404: errorResponses[404],
    503: unavailable,
  },
});

export function blobRoutes(app: OpenAPIHono<AppEnv>, deps: AppDeps): void {
  app.openapi(create, async (c) => {
    const { groupId } = c.req.valid('param');
    return c.json(await createUpload(deps, c.var.deviceId, groupId, c.req.valid('json')), 201);
  });
  app.openapi(status, async (c) => {
    const { groupId, blobId } = c.req.valid('param');
    return c.json(await uploadStatus(deps, c.var.deviceId, groupId, blobId), 200);
  });
  app.openapi(part, async (c) => {
    const { groupId, blobId, index } = c.req.valid('param');
    try {
      return c.json(await uploadPart(deps, c.var.deviceId, groupId, blobId, index, c.req.raw.body), 200);
    } catch (err) {
      // Refused before its body was read: the unread rest makes the connection unusable, so say so.
      c.header('Connection', 'close');
      throw err;
    }
  });
  app.openapi(complete, async (c) => {
    const { groupId, blobId } = c.req.valid('param');
    return c.json(await completeUpload(deps, c.var.deviceId, groupId, blobId), 200);
  });
  app.openapi(download, async (c) => {
    const { groupId, blobId } = c.req.valid('param');
    const blob = await openBlob(deps, c.var.deviceId, groupId, blobId);
    return c.body(blob.stream, 200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(blob.size),
    });
  });
  app.openapi(remove, async (c) => {
    const { groupId, blobId } = c.req.valid('param');
    await deleteBlob(deps, c.var.deviceId, groupId, blobId, c.req.valid('json').deleteToken);
    return c.json({ ok: true as const }, 200);
  });
}
