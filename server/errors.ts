// Every error leaves as {"error":{"code","message"}} with a stable code.
// Messages are fixed text written here: never input, never a stack.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { RosterError } from '../shared/protocol/roster';
import type { ErrorCode } from '../shared/schemas/errors';
import { isConstraintError } from './db/database';
import { errorBody } from './error-body';

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function fail(status: ContentfulStatusCode, code: ErrorCode, message: string): never {
  throw new ApiError(status, code, message);
}

export { errorBody } from './error-body';

/** Describes what failed validation by path and rule only; zod's messages carry no input values. */
export function describeZodError(err: ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** Maps anything thrown to a status and a stable code. `internal` marks the ones worth logging. */
export function toApiError(err: unknown): { error: ApiError; internal: boolean } {
  if (err instanceof ApiError) return { error: err, internal: false };
  if (err instanceof RosterError) return { error: new ApiError(400, err.code, err.message), internal: false };
  if (err instanceof HTTPException) {
    if (err.status === 413)
      return { error: new ApiError(413, 'payload_too_large', 'request body is too large'), internal: false };
    return { error: new ApiError(400, 'bad_request', 'request body is not valid JSON'), internal: false };
  }
  if (isConstraintError(err))
    return { error: new ApiError(409, 'roster_conflict', 'a concurrent change won; fetch and retry'), internal: false };
  return { error: new ApiError(500, 'internal_error', 'internal error'), internal: true };
}

export function sendError(c: Context, err: ApiError) {
  return c.json(errorBody(err.code, err.message), err.status);
}
