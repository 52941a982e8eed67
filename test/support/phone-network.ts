// One phone's network, cut as a phone loses signal, for the browser suites:
// the browser goes offline (every request fails). Chromium's offline mode
// leaves an open WebSocket open with its frames silently dropped (a dead
// socket nobody notices), so her sockets, routed through Playwright, are
// closed as the phone would find them closed, and new ones refused until she
// is back. The relay runs on for the others.
import type { BrowserContext, WebSocketRoute } from 'playwright-core';

export interface PhoneNetwork {
  /** routes the phone's sockets through the test; call once, before the app connects */
  install(): Promise<void>;
  set(offline: boolean): Promise<void>;
}

export function phoneNetwork(context: BrowserContext): PhoneNetwork {
  let cut = false;
  const open = new Set<WebSocketRoute>();
  return {
    async install(): Promise<void> {
      await context.routeWebSocket(/\/ws$/, (ws) => {
        if (cut) return void ws.close({ code: 1001, reason: 'offline' }).catch(() => {});
        ws.connectToServer();
        open.add(ws);
        ws.onClose(() => open.delete(ws));
      });
    },
    async set(offline: boolean): Promise<void> {
      cut = offline;
      await context.setOffline(offline);
      if (offline) for (const ws of [...open]) await ws.close({ code: 1001, reason: 'offline' }).catch(() => {});
    },
  };
}
