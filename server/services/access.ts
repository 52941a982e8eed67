// Authentication (token -> device) and authorization (device -> role in group).
import { sessionTokenHash } from '../../shared/protocol/auth';
import { type MessageKind, postRefusal, postRefusalText } from '../../shared/protocol/posting-rules';
import type { GroupContext } from '../db/repos/groups';
import { findMembership } from '../db/repos/groups';
import { findSessionDevice } from '../db/repos/sessions';
import type { AppDeps } from '../deps';
import { fail } from '../errors';

const BEARER = /^Bearer ([A-Za-z0-9_-]{16,128})$/;

export async function deviceForToken(deps: AppDeps, token: string | undefined): Promise<string> {
  if (!token) fail(401, 'unauthenticated', 'a valid session token is required');
  const device = await findSessionDevice(deps.db, sessionTokenHash(token), deps.clock.now());
  if (!device) fail(401, 'unauthenticated', 'a valid session token is required');
  return device;
}

export async function authenticate(deps: AppDeps, authorization: string | undefined): Promise<string> {
  return deviceForToken(deps, authorization ? BEARER.exec(authorization)?.[1] : undefined);
}

export async function requireMember(deps: AppDeps, groupId: string, deviceId: string): Promise<GroupContext> {
  const ctx = await findMembership(deps.db, groupId, deviceId);
  if (!ctx) fail(403, 'not_member', 'not a member of this group');
  return ctx;
}

export async function requireAdmin(deps: AppDeps, groupId: string, deviceId: string): Promise<GroupContext> {
  const ctx = await requireMember(deps, groupId, deviceId);
  if (ctx.role !== 'admin') fail(403, 'not_admin', 'only group admins may do this');
  return ctx;
}

/**
 * Refuses a post the group's rules do not allow: who may post which kind
 * (shared/protocol/posting-rules.ts), and in which epoch. The insert applies
 * the same rules in SQL (db/repos/messages.ts); this is what names the rule that refused.
 */
export function assertMayPost(group: GroupContext, post: { kind: MessageKind; epoch: number }): void {
  const refusal = postRefusal(group.role, post.kind, group);
  if (refusal) fail(403, refusal, postRefusalText(refusal, post.kind));
  if (!epochMayPost(group, post.epoch)) fail(409, 'epoch_invalid', 'the epoch is not current');
}

/**
 * The current epoch, or the one before (late posts across an ordinary
 * rotation or a join), but never one older than the newest epoch that
 * removed a member: she holds the keys of those (P5).
 */
export function epochMayPost(group: Pick<GroupContext, 'epoch' | 'minPostEpoch'>, epoch: number): boolean {
  return (epoch === group.epoch || epoch === group.epoch - 1) && epoch >= group.minPostEpoch;
}

export async function requireRate(deps: AppDeps, key: string, limit: number, windowSeconds: number): Promise<void> {
  if (!(await deps.limiter.hit(key, limit, windowSeconds))) fail(429, 'rate_limited', 'too many requests; slow down');
}
