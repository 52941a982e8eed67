// Which paths are the relay's API rather than the web app: the servers hand
// every other GET to the web app's files, and the service worker never caches
// these. No imports, so the service worker's build can take it as it is.

/** True for the API (/v1/…), its OpenAPI document, and the health check. */
export function isApiPath(pathname: string): boolean {
  return pathname.startsWith('/v1/') || pathname === '/openapi.json' || pathname === '/healthz';
}
