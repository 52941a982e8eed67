// The app controller: the always-visible bar with quick exit, the screen
// region, the live region, navigation, locking and auto-lock.
import { startAutoLock } from '../core/auto-lock';
import { listenForDoubleEscape, quickExit } from '../core/quick-exit';
import { LOCK_MESSAGE } from '../core/push-notice';
import type { WebSession } from '../core/session';
import { setLanguage, t } from '../i18n';
import { groupView } from '../views/group';
import { groupsView } from '../views/groups';
import { joinView } from '../views/join';
import { newGroupView } from '../views/new-group';
import { safetyView } from '../views/safety';
import { settingsView } from '../views/settings';
import { setupView } from '../views/setup';
import { unlockView } from '../views/unlock';
import { waitingView } from '../views/waiting';
import { welcomeView } from '../views/welcome';
import { notifyWhenHidden } from './notifications';
import { connectionBar } from './connection-bar';
import type { AppContext, View } from './context';
import { h } from './dom';
import { phoneBack } from './phone-back';
import { needsUnlock, type Route } from './routes';

function viewFor(ctx: AppContext, route: Route): View {
  switch (route.name) {
    case 'welcome':
      return welcomeView(ctx, route);
    case 'setup':
      return setupView(ctx, route);
    case 'unlock':
      return unlockView(ctx, route);
    case 'groups':
      return groupsView(ctx, route);
    case 'new-group':
      return newGroupView(ctx, route);
    case 'join':
      return joinView(ctx, route);
    case 'waiting':
      return waitingView(ctx, route);
    case 'group':
      return groupView(ctx, route);
    case 'safety':
      return safetyView(ctx, route);
    case 'settings':
      return settingsView(ctx, route);
  }
}

export function startApp(root: HTMLElement, session: WebSession, first: Route, inviteCode: string | null): AppContext {
  const main = h('main', { id: 'main' });
  const live = h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
  const exitButton = h('button', { type: 'button', class: 'quick-exit', 'data-testid': 'quick-exit' });
  const lockButton = h('button', { type: 'button', class: 'lock', hidden: true });
  const bar = h('header', { class: 'topbar' }, lockButton, exitButton);

  let route: Route = first;
  let view: View | null = null;
  let stopAutoLock: (() => void) | null = null;
  let stopNotifications: (() => void) | null = null;
  let pendingAnnouncement: ReturnType<typeof setTimeout> | undefined;
  /** The screen above the current one (its header's back button), for the phone's Back. */
  let backRoute: Route | null = null;
  const back = phoneBack();

  const ctx: AppContext = {
    session,
    t,
    pendingInviteCode: inviteCode,
    pendingGroupHash: null,
    navigate(next) {
      if (needsUnlock(next) && !session.isUnlocked) next = { name: 'unlock' };
      route = next;
      render();
      main.querySelector<HTMLElement>('h1')?.focus();
    },
    refresh: () => render(),
    offerBack(route) {
      backRoute = route;
    },
    announce(text) {
      live.textContent = '';
      // A fresh text node after a tick, so the same text is announced again.
      clearTimeout(pendingAnnouncement);
      pendingAnnouncement = setTimeout(() => (live.textContent = text), 50);
    },
  };

  /** What was said stays with its screen: a locked phone's DOM (or its screen reader) must not tell, say, that a duress passphrase was just set. */
  const connection = connectionBar(session, ctx);
  root.replaceChildren(bar, connection.el, main, live);

  function forgetAnnouncements(): void {
    clearTimeout(pendingAnnouncement);
    live.textContent = '';
  }

  function render(): void {
    // Text said just before a navigation (its timer still pending) is still said on the new screen.
    live.textContent = '';
    view?.dispose?.();
    backRoute = null;
    view = viewFor(ctx, route);
    main.replaceChildren(view.el);
    const above = backRoute;
    back.arm(above && (() => ctx.navigate(above)));
    exitButton.textContent = t('exit.button');
    exitButton.setAttribute('aria-label', t('exit.label'));
    lockButton.textContent = t('lock.button');
    lockButton.hidden = !session.isUnlocked;
    connection.relabel();
  }

  function onUnlocked(): void {
    setLanguage(session.settings.language);
    stopAutoLock = startAutoLock(
      () => (session.isUnlocked ? session.settings.lockMinutes * 60_000 : Infinity),
      () => session.lock(),
    );
    stopNotifications = notifyWhenHidden(session);
    connection.start();
  }

  session.on('unlock', onUnlocked);
  session.on('lock', () => {
    connection.stop();
    forgetAnnouncements();
    back.disarm();
    stopAutoLock?.();
    stopNotifications?.();
    stopAutoLock = stopNotifications = null;
    ctx.navigate({ name: 'unlock' });
  });

  exitButton.addEventListener('click', () => quickExit(() => session.lock()));
  listenForDoubleEscape(() => quickExit(() => session.lock()));
  lockButton.addEventListener('click', () => session.lock());
  // A notice tapped while this window was open: the service worker asks it to lock (sw.ts).
  navigator.serviceWorker?.addEventListener('message', (event: MessageEvent<unknown>) => {
    const data = event.data as { type?: unknown } | null;
    if (data?.type === LOCK_MESSAGE.type) session.lock();
  });
  // Back from another site into a page restored from the back/forward cache: lock it.
  window.addEventListener('pageshow', (event) => event.persisted && session.lock());

  ctx.navigate(first);
  return ctx;
}
