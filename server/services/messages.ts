// Messages and bulletins: the hot path, shared by HTTP and WebSocket posts.
// authorize -> store -> fan out; the caller acks only after this resolves,
// i.e. after the row is committed.
import type { PostMessageInput, PostResult } from '../../shared/schemas/messages';
import { hourOf } from '../clock';
import { findMessage, insertMessage, listMessages, listPinned, setPinned } from '../db/repos/messages';
import type { AppDeps } from '../deps';
import { fail } from '../errors';
import { canPostBulletins, requireMember, requireRate } from './access';
import { messageView } from './views';

export async function postMessage(deps: AppDeps, deviceId: string, groupId: string, input: PostMessageInput): Promise<PostResult> {
  const group = await requireMember(deps, groupId, deviceId);
  const privileged = canPostBulletins(group.role);
  if (input.kind === 'bulletin' && !privileged) fail(403, 'role_forbidden', 'only facilitators and admins post bulletins');
  if (input.pinned && input.kind !== 'bulletin') fail(400, 'not_bulletin', 'only bulletins can be pinned');
  if (input.kind === 'message' && group.announcementOnly && !privileged) fail(403, 'announcement_only', 'this group is announcement-only');
  if (input.epoch !== group.epoch && input.epoch !== group.epoch - 1) fail(409, 'epoch_invalid', 'the epoch is not current');
  await requireRate(deps, `post:${deviceId}`, deps.config.messagesPerSecond, 1);

  const now = deps.clock.now();
  const row = {
    group_id: groupId,
    client_msg_id: input.clientMsgId,
    epoch: input.epoch,
    kind: input.kind,
    ciphertext: input.ciphertext,
    pinned: input.pinned ? 1 : 0,
    expires_at: group.retentionSeconds === null ? null : hourOf(now + group.retentionSeconds) + 3600,
    created_at: hourOf(now),
  };
  const { seq, duplicate } = await insertMessage(deps.db, row);
  if (!duplicate) deps.hub.publish(groupId, { type: 'message', groupId, message: messageView({ ...row, seq }) });
  return { groupId, seq, duplicate };
}

export async function readMessages(deps: AppDeps, deviceId: string, groupId: string, after: number, limit: number) {
  await requireMember(deps, groupId, deviceId);
  const rows = await listMessages(deps.db, groupId, after, limit + 1, deps.clock.now());
  return { messages: rows.slice(0, limit).map(messageView), hasMore: rows.length > limit };
}

export async function readPinned(deps: AppDeps, deviceId: string, groupId: string) {
  await requireMember(deps, groupId, deviceId);
  return (await listPinned(deps.db, groupId, deps.clock.now())).map(messageView);
}

export async function pinBulletin(deps: AppDeps, deviceId: string, groupId: string, seq: number, pinned: boolean) {
  const group = await requireMember(deps, groupId, deviceId);
  if (!canPostBulletins(group.role)) fail(403, 'role_forbidden', 'only facilitators and admins pin bulletins');
  const message = await findMessage(deps.db, groupId, seq);
  if (!message) fail(404, 'message_not_found', 'no such message');
  if (message.kind !== 'bulletin') fail(400, 'not_bulletin', 'only bulletins can be pinned');
  await setPinned(deps.db, groupId, seq, pinned);
  return messageView({ ...message, pinned: pinned ? 1 : 0 });
}
