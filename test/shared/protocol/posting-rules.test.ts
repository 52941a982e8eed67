import { describe, expect, it } from 'vitest';
import {
  GRANTABLE_ROLES,
  MESSAGE_KINDS,
  mayPin,
  mayPost,
  postRefusal,
  ROLES,
} from '../../../shared/protocol/posting-rules';
import { grantableRoleSchema, messageKindSchema, roleSchema } from '../../../shared/schemas/common';

describe('posting rules', () => {
  it('answers who may post each kind, with and without announcement-only', () => {
    const table = ROLES.flatMap((role) =>
      MESSAGE_KINDS.flatMap((kind) =>
        [false, true].map(
          (announcementOnly) =>
            `${role} ${kind}${announcementOnly ? ' (announcement-only)' : ''}: ${mayPost(role, kind, { announcementOnly }) ? 'yes' : postRefusal(role, kind, { announcementOnly })}`,
        ),
      ),
    );
    expect(table).toEqual([
      'member message: yes',
      'member message (announcement-only): announcement_only',
      'member bulletin: role_forbidden',
      'member bulletin (announcement-only): role_forbidden',
      'member meta: yes',
      'member meta (announcement-only): yes',
      ...['facilitator', 'admin'].flatMap((role) =>
        ['message', 'bulletin', 'meta'].flatMap((kind) => [
          `${role} ${kind}: yes`,
          `${role} ${kind} (announcement-only): yes`,
        ]),
      ),
    ]);
    expect(ROLES.filter(mayPin)).toEqual(['facilitator', 'admin']);
  });

  it('builds the wire schemas from the same lists', () => {
    expect(roleSchema.options).toEqual([...ROLES]);
    expect(grantableRoleSchema.options).toEqual([...GRANTABLE_ROLES]);
    expect(messageKindSchema.options).toEqual([...MESSAGE_KINDS]);
  });
});
