// The service worker: makes the app installable and able to start offline.
// It caches only the static app shell (HTML, scripts, styles, icons) — never
// an API response, so nothing a person wrote ever reaches the Cache Storage.
// Type-checked on its own (tsconfig.sw.json): the WebWorker library clashes with the DOM one.
import { isApiPath } from '../../shared/schemas/api-paths';
import { LOCK_MESSAGE, NOTICE_ICON, NOTICE_TAG, noticeText } from './core/push-notice';

const sw = self as unknown as ServiceWorkerGlobalScope;

const CACHE = 'shell-v1';
const SHELL = ['/', '/manifest.webmanifest', '/icon.svg', '/icon-192.png', '/icon-512.png'];

sw.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => sw.clients.claim()),
  );
});

async function networkFirst(request: Request, fallback: string): Promise<Response> {
  try {
    const response = await fetch(request);
    if (response.ok) await (await caches.open(CACHE)).put(fallback, response.clone());
    return response;
  } catch {
    return (await caches.match(fallback)) ?? Response.error();
  }
}

/**
 * The cached page at once, so the app opens without a round trip over a slow
 * link; the network's copy replaces it for the next visit (an update shows one
 * visit later), and a first visit, with nothing cached, waits for the network.
 */
async function cachedThenRefreshed(event: FetchEvent, fallback: string): Promise<Response> {
  const network = fetch(event.request);
  const refresh = network.then(async (response) => {
    if (response.ok) await (await caches.open(CACHE)).put(fallback, response.clone());
  });
  event.waitUntil(refresh.catch(() => {}));
  const cached = await caches.match(fallback);
  return cached ?? network.catch(() => Response.error());
}

async function cacheFirst(request: Request): Promise<Response> {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await (await caches.open(CACHE)).put(request, response.clone());
  return response;
}

sw.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== sw.location.origin || isApiPath(url.pathname)) return;
  // Every page is the app (client-side screens), so navigations share the cached "/".
  if (request.mode === 'navigate') return event.respondWith(cachedThenRefreshed(event, '/'));
  // Hashed build output never changes; everything else is refreshed when online.
  if (url.pathname.startsWith('/assets/')) return event.respondWith(cacheFirst(request));
  event.respondWith(networkFirst(request, url.pathname));
});

// A content-free push (empty, from the relay): it only says something new is
// waiting. The same fixed notice, locked or not; the app fetches and decrypts
// the news once it is unlocked.
sw.addEventListener('push', (event) => {
  const { title, body } = noticeText(sw.navigator.languages ?? [sw.navigator.language]);
  event.waitUntil(sw.registration.showNotification(title, { body, tag: NOTICE_TAG, icon: NOTICE_ICON }));
});

// Opens the app at its lock screen: a new window starts locked, and a window
// left open is told to lock before it comes forward (the hand that taps a
// notice may not be hers). The app answers LOCK_MESSAGE in ui/app.ts.
sw.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const opened = sw.clients.matchAll({ type: 'window' }).then((windows) => {
    const open = windows[0];
    if (!open) return sw.clients.openWindow('/');
    open.postMessage(LOCK_MESSAGE);
    return open.focus();
  });
  event.waitUntil(opened);
});
