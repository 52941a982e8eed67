// Small builders that keep route definitions short: JSON bodies, responses,
// the shared error responses, the router and the document's top level.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { z } from 'zod';
import { errorSchema } from '../../shared/schemas/common';
import type { AppEnv } from '../deps';
import { describeZodError, errorBody } from '../errors';

export const jsonContent = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
export const jsonBody = <T extends z.ZodType>(schema: T) => ({ body: { ...jsonContent(schema), required: true } });
export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  ...jsonContent(schema),
  description,
});

const errorResponse = (description: string) => jsonResponse(errorSchema, description);
export const errorResponses = {
  400: errorResponse('invalid input'),
  401: errorResponse('missing, invalid or expired session'),
  403: errorResponse('not allowed for this device or role'),
  404: errorResponse('not found'),
  409: errorResponse('conflict with the current state'),
  429: errorResponse('rate limited'),
} as const;

/** A router whose validation failures answer in the one error shape. */
export function newRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return c.json(errorBody('validation_failed', describeZodError(result.error)), 400);
    },
  });
}

/**
 * Serves /openapi.json. The relay answers at whatever origin it is deployed on,
 * so the one server is the origin that served the document.
 */
export function serveApiDocument(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Mindeulle relay API',
      version: '1.0.0',
      description:
        'A relay and mailbox for end-to-end encrypted groups. The server stores ciphertext and the least metadata it needs.',
      // The same statement as package.json's "UNLICENSED": no license is granted yet (an SPDX
      // LicenseRef, as the project's own terms are not on the SPDX list). Owners who choose a
      // license replace both with its SPDX identifier. (`identifier` is OpenAPI 3.1; the config's
      // type is 3.0's, hence the widening.)
      license: { name: 'All rights reserved', identifier: 'LicenseRef-All-Rights-Reserved' } as { name: string },
    },
    servers: [{ url: '/', description: 'the relay that served this document' }],
  });
}
