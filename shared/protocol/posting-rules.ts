// Who may post which kind of message, written once. The relay applies it
// (services/access.ts names the refusal; the insert's SQL in
// db/repos/messages.ts is generated from WHO_MAY_POST), a client applies it
// before sealing and again to what it receives (P9), and the web views use it
// to show or hide composers. A new kind is one line in MESSAGE_KINDS and one
// in WHO_MAY_POST; the schemas, the database types and the SQL follow.

/** A member's role in a group, as the signed roster states it. */
export const ROLES = ['member', 'facilitator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The roles an invitation may grant (an admin is made by a set-role commit). */
export const GRANTABLE_ROLES = ['member', 'facilitator'] as const satisfies readonly Role[];
export type GrantableRole = (typeof GRANTABLE_ROLES)[number];

/** The roles that post bulletins, pin them, and speak in announcement-only groups. */
export const PRIVILEGED_ROLES = ['facilitator', 'admin'] as const satisfies readonly Role[];

/** Envelope kinds. The order is part of the wire format: the envelope header carries the index. */
export const MESSAGE_KINDS = ['message', 'bulletin', 'meta'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/**
 * Who may post a kind: every member; only the privileged roles; or every
 * member unless the group is announcement-only (then only the privileged).
 */
export type PostingRule = 'any-member' | 'privileged' | 'any-member-unless-announcement-only';

export const WHO_MAY_POST: Readonly<Record<MessageKind, PostingRule>> = {
  message: 'any-member-unless-announcement-only',
  bulletin: 'privileged',
  meta: 'any-member',
};

/** The group settings the rule reads (from the signed roster; the relay caches them). */
export interface PostingSettings {
  announcementOnly: boolean;
}

/** Why a member's post is refused: the error code the relay and the SDK both report. */
export type PostRefusal = 'role_forbidden' | 'announcement_only';

/** The refusal in words, for error messages ("only facilitators and admins post bulletins"). */
export function postRefusalText(refusal: PostRefusal, kind: MessageKind): string {
  return refusal === 'role_forbidden'
    ? `only facilitators and admins post ${kind}s`
    : 'this group is announcement-only';
}

function isPrivileged(role: Role): boolean {
  return (PRIVILEGED_ROLES as readonly Role[]).includes(role);
}

/** The reason a member with this role may not post this kind, or undefined if she may. */
export function postRefusal(role: Role, kind: MessageKind, settings: PostingSettings): PostRefusal | undefined {
  switch (WHO_MAY_POST[kind]) {
    case 'any-member':
      return undefined;
    case 'privileged':
      return isPrivileged(role) ? undefined : 'role_forbidden';
    case 'any-member-unless-announcement-only':
      return isPrivileged(role) || !settings.announcementOnly ? undefined : 'announcement_only';
  }
}

export function mayPost(role: Role, kind: MessageKind, settings: PostingSettings): boolean {
  return postRefusal(role, kind, settings) === undefined;
}

/** Pinning (and unpinning) a bulletin is for the privileged roles. */
export function mayPin(role: Role): boolean {
  return isPrivileged(role);
}
