// Which push endpoints the relay will POST to. The relay makes the request,
// so an endpoint is an SSRF vector: only https on the known push services'
// hosts (Chrome/Android's FCM, Firefox's Mozilla autopush, Safari/iOS's Apple
// push, Edge's Windows notification service), on the default port, with no
// credentials, plus origins the operator lists (PUSH_ALLOWED_ORIGINS). An IP
// literal or any other host is refused; the sender also never follows
// redirects.
const KNOWN_PUSH_HOSTS: readonly RegExp[] = [
  /^fcm\.googleapis\.com$/,
  /^updates\.push\.services\.mozilla\.com$/,
  /^[a-z0-9-]+(\.[a-z0-9-]+)*\.push\.apple\.com$/,
  /^[a-z0-9-]+(\.[a-z0-9-]+)*\.notify\.windows\.com$/,
];

/** The origins of a comma-separated list (PUSH_ALLOWED_ORIGINS); entries that are not URLs are skipped. */
export function parseAllowedOrigins(list: string | undefined): string[] {
  const origins: string[] = [];
  for (const entry of (list ?? '').split(',')) {
    const text = entry.trim();
    if (!text) continue;
    try {
      const origin = new URL(text).origin;
      if (origin !== 'null') origins.push(origin);
    } catch {
      // not a URL: ignored
    }
  }
  return origins;
}

export function isAllowedPushEndpoint(endpoint: string, allowedOrigins: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (allowedOrigins.includes(url.origin)) return true;
  return url.protocol === 'https:' && url.port === '' && KNOWN_PUSH_HOSTS.some((host) => host.test(url.hostname));
}
