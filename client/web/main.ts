// Entry point: reads an invite code from the fragment (and removes it from the
// address bar and history), registers the service worker, and starts the app
// on the right first screen.
import './core/zod-jitless';
import { inviteFromFragment, type ParsedInvite } from './core/invite-link';
import { registerServiceWorker } from './core/service-worker';
import { WebSession } from './core/session';
import { languageFromBrowser, setLanguage } from './i18n';
import { startApp } from './ui/app';
import './styles.css';

/** The invite (code and group hash) in the fragment, if any, which is then removed from the address bar and history. */
function takeInvite(): ParsedInvite | null {
  const invite = inviteFromFragment(window.location.hash);
  if (window.location.hash) history.replaceState(null, '', window.location.pathname);
  return invite;
}

const invite = takeInvite();
const inviteCode = invite?.code ?? null;

registerServiceWorker();

// The first screen, the join-by-link screen and the lock screen speak the
// browser's language (the first the app has; Korean otherwise): nothing on the
// device says which language she chose, so a locked app cannot know it. Her
// sealed choice applies once she unlocks (docs/WEB.md, "Language before unlock").
setLanguage(languageFromBrowser(navigator.languages?.length ? navigator.languages : [navigator.language]));

const session = new WebSession(window.location.origin);
const hasIdentity = await session.hasIdentity();
const root = document.getElementById('app')!;
const app = startApp(
  root,
  session,
  hasIdentity ? { name: 'unlock' } : inviteCode ? { name: 'setup', mode: 'join' } : { name: 'welcome' },
  inviteCode,
);
app.pendingGroupHash = invite?.groupHash ?? null;

// A link opened while the app is already open only changes the fragment.
window.addEventListener('hashchange', () => {
  const next = takeInvite();
  if (!next) return;
  app.pendingInviteCode = next.code;
  app.pendingGroupHash = next.groupHash;
  if (session.isUnlocked) return app.navigate({ name: 'join' });
  void session.hasIdentity().then((has) => app.navigate(has ? { name: 'unlock' } : { name: 'setup', mode: 'join' }));
});
