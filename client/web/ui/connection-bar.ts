// A thin bar under the top bar while the relay cannot be reached: "connecting"
// while the SDK's sockets (re)connect, "offline" when the browser has no
// network. It goes away by itself once a socket is up; meanwhile everything
// shown comes from the device's sealed store. Hidden while locked.
import type { WebSession } from '../core/session';
import type { AppContext } from './context';
import { h } from './dom';

/** A socket is usually up within a moment of unlocking: "connecting" only shows if it takes longer. */
const CONNECTING_DELAY_MS = 1500;

export function connectionBar(session: WebSession, ctx: Pick<AppContext, 't' | 'announce'>) {
  const el = h('p', { class: 'connection-bar', 'data-testid': 'connection-bar', hidden: true });
  let stop: (() => void) | null = null;
  let delay: ReturnType<typeof setTimeout> | undefined;
  let shown: 'offline' | 'connecting' | null = null;

  function show(state: 'offline' | 'connecting' | null): void {
    const wasOffline = shown === 'offline';
    shown = state;
    el.hidden = state === null;
    el.dataset.state = state ?? 'online';
    el.textContent = state ? ctx.t(`connection.${state}`) : '';
    if (state === 'offline' && !wasOffline) ctx.announce(ctx.t('connection.offline'));
    if (state === null && wasOffline) ctx.announce(ctx.t('connection.back'));
  }

  function update(): void {
    clearTimeout(delay);
    if (!session.isUnlocked || session.client.online) return show(null);
    if (!navigator.onLine) return show('offline');
    if (shown) return show('connecting');
    delay = setTimeout(() => session.isUnlocked && !session.client.online && show('connecting'), CONNECTING_DELAY_MS);
  }

  return {
    el,
    /** Follows the unlocked client until stop (on lock). */
    start(): void {
      const unsubscribe = session.client.subscribe((event) => event.type === 'connection' && update());
      // Back on the network: the SDK tries at once rather than waiting out its backoff.
      const back = () => {
        if (session.isUnlocked) session.client.reconnect();
        update();
      };
      window.addEventListener('online', back);
      window.addEventListener('offline', update);
      update();
      stop = () => {
        unsubscribe();
        window.removeEventListener('online', back);
        window.removeEventListener('offline', update);
        clearTimeout(delay);
        shown = null;
        el.hidden = true;
        el.textContent = '';
      };
    },
    stop: () => {
      stop?.();
      stop = null;
    },
    /** Its text in the current language (after a language change). */
    relabel: () => shown && show(shown),
  };
}
