// The one notification a push raises, shared by the service worker (which
// shows it) and the page (which shows the same one while the app is open but
// hidden): fixed words, one tag so they stack into one, never any content.
// The service worker cannot read the vault, so it cannot know the language
// the person chose; it follows the phone's own languages (navigator.languages,
// which it can read and nothing stores) and falls back to Korean, the app's
// default: the same rule as the lock screen and the first screen
// (languageFromBrowser). docs/WEB.md, "Push", records the decision.
import { CATALOGUES, languageFromBrowser } from '../i18n/catalogues';

export const NOTICE_TAG = 'activity';
export const NOTICE_ICON = '/icon-192.png';
/** What the service worker tells an open window when its notice is tapped: lock (the app opens at its lock screen). */
export const LOCK_MESSAGE = { type: 'lock' } as const;

/** The title and body for the phone's languages (the first of ours it lists; Korean if none). */
export function noticeText(languages: readonly string[]): { title: string; body: string } {
  const catalogue = CATALOGUES[languageFromBrowser(languages)];
  return { title: catalogue['notify.title'], body: catalogue['notify.body'] };
}
