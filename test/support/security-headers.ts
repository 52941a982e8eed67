// The headers every response must carry (server/security-headers.ts), checked
// on the Node server and on the Worker's static assets alike.
import { expect } from 'vitest';

export const EXPECTED_CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  'trusted-types app-sw',
];

export function expectSecurityHeaders(res: Response, what: string): void {
  const csp = (res.headers.get('content-security-policy') ?? '')
    .split(';')
    .map((d) => d.trim())
    .filter(Boolean);
  expect(csp.sort(), what).toEqual([...EXPECTED_CSP].sort());
  // decrypted photos are shown from blob: URLs; nothing wider (no data:, no wildcard) anywhere
  expect(
    csp.find((d) => d.startsWith('img-src')),
    what,
  ).toBe("img-src 'self' blob:");
  expect(csp.join(';'), what).not.toMatch(/\*|data:|https?:/);
  expect(res.headers.get('referrer-policy'), what).toBe('no-referrer');
  expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(res.headers.get('x-frame-options'), what).toBe('DENY');
  expect(res.headers.get('cross-origin-opener-policy'), what).toBe('same-origin');
  expect(res.headers.get('cross-origin-resource-policy'), what).toBe('same-origin');
  expect(res.headers.get('permissions-policy'), what).toMatch(/camera=\(\)/);
}
