// One bulletin to several of her groups: sealed for each group separately
// (each group's own epoch key, its own message id), so nothing on the relay
// links the copies. Every group is checked first: if she may not post a
// bulletin in one of them, nothing is sent anywhere and the error names it.
import { postRefusalText } from '../../shared/protocol/posting-rules';
import { type Core, requireGroup } from './core';
import { ClientError } from './errors';
import { checkMayPost } from './send';

export interface BulletinPosted {
  groupId: string;
  messageId: string;
  seq: number;
}

/** Throws before anything is sent when a group refuses her bulletin; the message names the group. */
export function checkBulletinGroups(core: Core, groupIds: readonly string[]): string[] {
  const unique = [...new Set(groupIds)];
  if (unique.length === 0) throw new ClientError('unknown_group', 'no group chosen');
  for (const groupId of unique) {
    const state = requireGroup(core, groupId);
    try {
      checkMayPost(state, core.identity, 'bulletin');
    } catch (e) {
      if (!(e instanceof ClientError)) throw e;
      const name = state.record.name ?? groupId;
      const why = e.code === 'role_forbidden' ? postRefusalText('role_forbidden', 'bulletin') : e.message;
      throw new ClientError(e.code, `nothing was sent: in “${name}” ${why}`);
    }
  }
  return unique;
}

/** Posts the same bulletin to each group in turn (after checking them all), with `post` sealing one. */
export async function postToGroups(
  core: Core,
  groupIds: readonly string[],
  post: (groupId: string) => Promise<{ messageId: string; seq: number }>,
): Promise<BulletinPosted[]> {
  const groups = checkBulletinGroups(core, groupIds);
  const posted: BulletinPosted[] = [];
  for (const groupId of groups) posted.push({ groupId, ...(await post(groupId)) });
  return posted;
}
