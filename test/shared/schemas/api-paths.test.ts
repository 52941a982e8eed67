import { describe, expect, it } from 'vitest';
import { isApiPath } from '../../../shared/schemas/api-paths';

describe('isApiPath (what the servers never answer with the web app, and the service worker never caches)', () => {
  it('is true for the API, its OpenAPI document and the health check', () => {
    for (const p of ['/v1/devices', '/v1/groups/g1/ws', '/openapi.json', '/healthz']) expect(isApiPath(p)).toBe(true);
  });

  it('is false for the web app’s paths', () => {
    for (const p of ['/', '/index.html', '/assets/main-abc.js', '/sw.js', '/v1', '/groups/g1'])
      expect(isApiPath(p)).toBe(false);
  });
});
