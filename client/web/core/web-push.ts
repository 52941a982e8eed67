// Content-free push for this browser: the subscription lives in the browser
// (PushManager), the relay keeps only its endpoint. Nothing about it is stored
// by the app: whether push is on is whether the browser holds a subscription.
import type { MindeulleApi } from '../../sdk/client-api';
import { fromB64, toB64 } from '../../../shared/crypto/encoding';

export type PushResult = 'on' | 'denied' | 'unavailable' | 'unsupported';

export const pushSupported = (): boolean =>
  'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

async function currentSubscription(): Promise<PushSubscription | null> {
  const registration = await navigator.serviceWorker.getRegistration();
  return (await registration?.pushManager.getSubscription()) ?? null;
}

export async function pushIsOn(): Promise<boolean> {
  return pushSupported() && (await currentSubscription()) !== null;
}

const keyOf = (subscription: PushSubscription): string | null => {
  const key = subscription.options.applicationServerKey;
  return key ? toB64(new Uint8Array(key)) : null;
};

/** The relay's VAPID key, or null when the relay sends no pushes (push_unavailable). */
export async function fetchPushKey(client: MindeulleApi): Promise<string | null> {
  try {
    return await client.pushKey();
  } catch (err) {
    if ((err as { code?: string }).code === 'push_unavailable') return null;
    throw err;
  }
}

/**
 * Asks for permission first, within her tap (Safari and Firefox allow the
 * question only there), then subscribes with the relay's key and hands the
 * endpoint to the relay.
 */
export async function turnPushOn(client: MindeulleApi, knownKey: string | null | undefined): Promise<PushResult> {
  if (!pushSupported()) return 'unsupported';
  const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
  if (permission !== 'granted') return 'denied';
  const key = knownKey ?? (await fetchPushKey(client));
  if (key === null) return 'unavailable';
  const registration = await navigator.serviceWorker.ready;
  let subscription = await registration.pushManager.getSubscription();
  // Made with another key (the relay's key changed): the push service would refuse the relay's pushes.
  if (subscription && keyOf(subscription) !== key) {
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: new Uint8Array(fromB64(key)),
  });
  await client.setPushEndpoint(subscription.endpoint);
  return 'on';
}

export async function turnPushOff(client: MindeulleApi): Promise<void> {
  await forgetPushInBrowser();
  await client.setPushEndpoint(null);
}

/**
 * Wipe and duress: drops the browser's subscription, never throwing and never
 * awaited by the wipe. The push service then answers the relay's next push
 * with 410 Gone, and the relay forgets the endpoint.
 */
export function forgetPushInBrowser(): Promise<void> {
  if (!pushSupported()) return Promise.resolve();
  return currentSubscription()
    .then((s) => s?.unsubscribe())
    .then(
      () => undefined,
      () => undefined,
    );
}
