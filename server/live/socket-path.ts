// The two WebSocket endpoints, shared by every runtime.
const GROUP_SOCKET = /^\/v1\/groups\/([A-Za-z0-9_-]{16,64})\/ws$/;

/** undefined: all the device's groups (/v1/ws); a group id; or null for any other path. */
export function socketScope(url: string): string | undefined | null {
  const path = url.split('?')[0] ?? '';
  if (path === '/v1/ws') return undefined;
  return GROUP_SOCKET.exec(path)?.[1] ?? null;
}
