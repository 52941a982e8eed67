import type { ErrorCode } from '../shared/schemas/errors';

/** The one error shape: {"error":{"code","message"}}. */
export function errorBody(code: ErrorCode, message: string) {
  return { error: { code, message } };
}
