// Entry point: reads an invite code from the fragment (and removes it from the
// address bar and history), registers the service worker, and starts the app
// on the right first screen.
import { inviteCodeFromFragment } from './core/invite-link';
import { Session } from './core/session';
import { startApp } from './ui/app';
import './styles.css';

const inviteCode = inviteCodeFromFragment(window.location.hash);
if (window.location.hash) history.replaceState(null, '', window.location.pathname);

if ('serviceWorker' in navigator) void navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {});

const session = new Session(window.location.origin);
const hasIdentity = await session.hasIdentity();
const root = document.getElementById('app')!;
startApp(root, session, hasIdentity ? { name: 'unlock' } : inviteCode ? { name: 'setup', mode: 'join' } : { name: 'welcome' }, inviteCode);
