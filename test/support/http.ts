// A fetch wrapper for integration tests: returns status and parsed body, and
// asserts the one error shape the relay promises.
import http from 'node:http';
import { expect } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../../shared/schemas/errors';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export interface RequestOptions {
  token?: string;
  headers?: Record<string, string>;
  /** sent as is instead of JSON.stringify(body) */
  rawBody?: string;
}

export async function request<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  opts: RequestOptions = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let payload: string | undefined = opts.rawBody;
  if (payload === undefined && body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
  const text = await res.text();
  let parsed: any;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed as T, text, headers: res.headers };
}

/**
 * The same, over a connection of its own that is closed afterwards (node:http,
 * no agent), so a request the server cuts off cannot spoil fetch's pool.
 */
export function requestOnFreshConnection<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  payload: string,
  headers: Record<string, string> = {},
): Promise<ApiResponse<T>> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${baseUrl}${path}`,
      { method, agent: false, headers: { 'content-type': 'application/json', ...headers } },
      (res) => void answerOf<T>(res).then(resolve, reject),
    );
    // the server may answer and close before it has read the whole body
    req.on('error', (err) => (err as NodeJS.ErrnoException).code === 'EPIPE' || reject(err));
    req.end(payload);
  });
}

/** A node:http answer read whole, as `request` returns it. */
function answerOf<T>(res: http.IncomingMessage): Promise<ApiResponse<T>> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (d: string) => (text += d));
    res.on('error', reject);
    res.on('end', () => {
      let body: any;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const h = new Headers();
      for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
      resolve({ status: res.statusCode ?? 0, body, text, headers: h });
    });
  });
}

/**
 * Sends only a request's head, declaring a body of `declaredBytes`, and waits
 * for the answer: how a server that refuses by the declared length alone is
 * tested without racing it (sending megabytes it will not read, to a socket it
 * closes, can lose its answer behind a reset).
 */
export function requestDeclaringLength(
  baseUrl: string,
  method: string,
  path: string,
  declaredBytes: number,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${baseUrl}${path}`,
      {
        method,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': String(declaredBytes), ...headers },
      },
      (res) =>
        void answerOf(res)
          .then(resolve, reject)
          .finally(() => req.destroy()),
    );
    req.on('error', reject);
    req.flushHeaders();
  });
}

const STACK_HINTS = [/\n\s+at /, /\.ts:\d+/, /\.js:\d+/, /node_modules/, /\bError:/];

/** Asserts that no stack trace or source path leaks in a response text. */
export function expectNoStackTrace(text: string): void {
  for (const hint of STACK_HINTS) expect(text, `response leaks ${hint}`).not.toMatch(hint);
}

/** Asserts status, the exact error code and the exact error shape, with no stack trace. */
export function expectError(res: ApiResponse, status: number, code: ErrorCode): void {
  expect({ status: res.status, code: res.body?.error?.code }, res.text).toEqual({ status, code });
  expectErrorShape(res);
}

/** Asserts the one error shape with a stable code (any of them), and no stack trace. */
export function expectErrorShape(res: ApiResponse): void {
  expect(ERROR_CODES, res.text).toContain(res.body?.error?.code);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(Object.keys(res.body.error).sort()).toEqual(['code', 'message']);
  expect(typeof res.body.error.message).toBe('string');
  expect(res.headers.get('content-type') ?? '').toContain('application/json');
  expectNoStackTrace(res.text);
}

/** Asserts a 2xx status, showing the body on failure. */
export function expectOk<T>(res: ApiResponse<T>, status = 200): T {
  expect(res.status, res.text).toBe(status);
  return res.body;
}
