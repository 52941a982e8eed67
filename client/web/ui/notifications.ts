// Notifications, when turned on, never carry content or names: the same fixed
// text for everything, shown only while the app is hidden.
import { NOTICE_ICON, NOTICE_TAG } from '../core/push-notice';
import type { WebSession } from '../core/session';
import { t } from '../i18n';

export function notifyWhenHidden(session: WebSession): () => void {
  return session.client.subscribe((event) => {
    if (event.type !== 'message' || event.sender === session.client.deviceId) return;
    if (!session.isUnlocked || !session.settings.notifications || document.visibilityState === 'visible') return;
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    void navigator.serviceWorker?.ready.then((reg) =>
      reg.showNotification(t('notify.title'), { body: t('notify.body'), tag: NOTICE_TAG, icon: NOTICE_ICON }),
    );
  });
}
