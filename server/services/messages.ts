// Messages and bulletins: the hot path, shared by HTTP and WebSocket posts.
// authorize + store (one statement) -> fan out; the caller acks only after
// this resolves, i.e. after the row is committed.
import { mayPin } from '../../shared/protocol/posting-rules';
import type { PostMessageInput, PostResult } from '../../shared/schemas/messages';
import {
  findMessage,
  findSeqByClientId,
  insertMessage,
  listMessages,
  listPinned,
  setPinned,
} from '../db/repos/messages';
import type { AppDeps } from '../deps';
import { fail } from '../errors';
import { assertMayPost, requireMember, requireRate } from './access';
import { messageView } from './views';

/** A refused post and a changed roster racing each other this many times in a row is a fault. */
const POST_ATTEMPTS = 3;

export async function postMessage(
  deps: AppDeps,
  deviceId: string,
  groupId: string,
  input: PostMessageInput,
): Promise<PostResult> {
  if (input.pinned && input.kind !== 'bulletin') fail(400, 'not_bulletin', 'only bulletins can be pinned');
  await requireRate(deps, `post:${deviceId}`, deps.config.messagesPerSecond, 1);
  const post = {
    group_id: groupId,
    client_msg_id: input.clientMsgId,
    epoch: input.epoch,
    kind: input.kind,
    ciphertext: input.ciphertext,
    pinned: input.pinned ? 1 : 0,
  };
  for (let attempt = 0; attempt < POST_ATTEMPTS; attempt++) {
    // Authorized and stored in one statement (see insertMessage).
    const stored = await insertMessage(deps.db, deviceId, deps.clock.now(), post);
    if (stored) {
      deps.hub.publish(groupId, { type: 'message', groupId, message: messageView(stored) });
      return { groupId, seq: stored.seq, duplicate: false };
    }
    // Nothing stored: a retry of a stored post, or a rule refused it (this names the rule).
    // The retry is looked for first: a post stored before its epoch closed (a removal) is
    // acked as a duplicate, so its sender does not seal it again (it would be shown twice).
    const group = await requireMember(deps, groupId, deviceId);
    const first = await findSeqByClientId(deps.db, groupId, input.clientMsgId);
    if (first !== undefined) return { groupId, seq: first, duplicate: true };
    assertMayPost(group, input);
    // Refused a moment ago and allowed now: the roster changed in between; try again.
  }
  fail(500, 'internal_error', 'the group changed while the post was stored; try again');
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
  if (!mayPin(group.role)) fail(403, 'role_forbidden', 'only facilitators and admins pin bulletins');
  const message = await findMessage(deps.db, groupId, seq);
  if (!message) fail(404, 'message_not_found', 'no such message');
  if (message.kind !== 'bulletin') fail(400, 'not_bulletin', 'only bulletins can be pinned');
  await setPinned(deps.db, groupId, seq, pinned);
  return messageView({ ...message, pinned: pinned ? 1 : 0 });
}
