// Where the app is. Routes live in memory only: the app never adds history
// entries, so after a quick exit (location.replace) there is no app page
// behind the neutral one for Back to return to, and no group id in any URL.
// The phone's Back inside the app uses a CloseWatcher instead (phone-back.ts).
export type GroupTab = 'chat' | 'board' | 'members' | 'admin';

export type Route =
  | { name: 'welcome' }
  | { name: 'setup'; mode: 'create' | 'join' }
  | { name: 'unlock' }
  | { name: 'groups' }
  | { name: 'new-group' }
  | { name: 'join' }
  | { name: 'waiting'; groupId: string }
  | { name: 'group'; groupId: string; tab: GroupTab }
  | { name: 'safety'; groupId: string; deviceId: string }
  | { name: 'settings' };

/** Screens that need the unlocked client. */
export const needsUnlock = (route: Route) => !['welcome', 'setup', 'unlock'].includes(route.name);
