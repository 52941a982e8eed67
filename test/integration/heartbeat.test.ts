// Heartbeats on the Node socket: the server pings every WS_HEARTBEAT_MS and
// drops a peer that missed the last ping, so dead connections do not pile up;
// a peer that answers stays. (Workers hibernate idle sockets instead.)
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TestDevice } from '../support/api-client';
import { useServer } from '../support/fixtures';

const HEARTBEAT_MS = 200;
const server = useServer({ env: { WS_HEARTBEAT_MS: String(HEARTBEAT_MS) } });

/** An authenticated raw socket; `autoPong: false` plays a peer whose network went away. */
async function authenticated(token: string, autoPong: boolean): Promise<{ ws: WebSocket; closed: Promise<number> }> {
  const ws = new WebSocket(server.current.wsUrl, { autoPong });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const ready = new Promise<string>((resolve) => ws.once('message', (data) => resolve(data.toString())));
  ws.send(JSON.stringify({ type: 'auth', token }));
  expect(JSON.parse(await ready)).toMatchObject({ type: 'ready' });
  return { ws, closed };
}

describe('heartbeats', () => {
  it('drop a peer that stops answering pings, and keep one that answers', async () => {
    const device = await TestDevice.create(server.current);
    const silent = await authenticated(device.token, false);
    const healthy = await authenticated(device.token, true);
    let pings = 0;
    healthy.ws.on('ping', () => pings++);

    const code = await Promise.race([
      silent.closed,
      new Promise<string>((r) => setTimeout(() => r('still open'), HEARTBEAT_MS * 15)),
    ]);
    expect(code).toBe(1006); // terminated, no close frame: the peer is gone as far as the server knows
    // the answering peer lives through several more rounds
    await new Promise<void>((resolve) => healthy.ws.on('ping', () => pings >= 4 && resolve()));
    expect(healthy.ws.readyState).toBe(WebSocket.OPEN);
    healthy.ws.close();
  });
});
