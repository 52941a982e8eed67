// How many join requests wait in a group this device administers, so admins
// learn someone is waiting without opening the admin tab: on the group's row,
// its admin tab and its other tabs. Kept current by the screens that show it
// (a new request arrives as a live event; an approval changes the roster; the
// admin panel reports its own count after a rejection).
import type { GroupView, MindeulleApi } from '../../sdk/client-api';
import type { AppContext } from '../ui/context';
import { h } from '../ui/dom';

/** 0 for groups she does not administer (and when the relay cannot be asked). */
export async function requestCount(client: MindeulleApi, group: GroupView): Promise<number> {
  if (group.role !== 'admin' || group.invitation) return 0;
  return client.joinRequestCount(group.groupId).catch(() => 0);
}

/** "2 join requests" as a badge, or nothing. */
export function requestBadge(ctx: AppContext, count: number): HTMLElement | null {
  return count > 0
    ? h('span', { class: 'badge requests', 'data-testid': 'request-count' }, ctx.t('groups.requests', { count }))
    : null;
}
