// group create, group list, remove, role: groups and their signed roster.
import type { Role } from '../../../shared/protocol/roster';
import { type Command, findMember, withClient, withGroup } from '../context';
import { CliError } from '../output';

const ROLES: Role[] = ['member', 'facilitator', 'admin'];

export const groupCommands: Command[] = [
  {
    words: ['group', 'create'],
    args: ['NAME'],
    rest: true,
    usage: 'group create NAME',
    async run(ctx, args) {
      await withClient(ctx, async (client) => {
        const id = await client.createGroup(args.NAME!);
        ctx.out.result({ id, name: args.NAME }, `Created group "${args.NAME}" (${id})`);
      });
    },
  },
  {
    words: ['group', 'list'],
    args: [],
    usage: 'group list',
    async run(ctx) {
      await withClient(ctx, async (client) => {
        const groups = await client.groups();
        ctx.out.result(
          groups.map((g) => ({
            id: g.groupId,
            name: g.name,
            role: g.role,
            epoch: g.epoch,
            members: g.members.length,
            unread: g.unread,
            rosterValid: g.rosterValid,
            waitingForKey: g.waitingForKey,
            staleKey: g.staleKey,
          })),
          groups.length === 0
            ? 'No groups yet.'
            : groups.map(
                (g) =>
                  `${g.groupId}  ${g.name ?? '(unnamed)'}  ${g.role}, ${g.members.length} members, ${g.unread} unread` +
                  (g.rosterValid ? '' : '  WARNING: roster does not verify') +
                  (g.waitingForKey ? "  waiting for the group's new key (a member was removed): cannot send yet" : '') +
                  (g.staleKey ? '  WARNING: the server gave an admin an old key of this device; a new key was asked for' : ''),
              ),
        );
      });
    },
  },
  {
    words: ['remove'],
    args: ['GROUP', 'MEMBER'],
    usage: 'remove GROUP MEMBER',
    async run(ctx, args) {
      await withGroup(ctx, args.GROUP!, async (client, group) => {
        const member = findMember(group, args.MEMBER!);
        await client.removeMember(group.groupId, member.deviceId);
        ctx.out.result({ ok: true, removed: member.deviceId }, `Removed ${member.displayName ?? member.deviceId}; a new epoch has started.`);
      });
    },
  },
  {
    words: ['role'],
    args: ['GROUP', 'MEMBER', 'ROLE'],
    usage: 'role GROUP MEMBER member|facilitator|admin',
    async run(ctx, args) {
      const role = args.ROLE as Role;
      if (!ROLES.includes(role)) throw new CliError(`role must be one of ${ROLES.join(', ')}`, 2);
      await withGroup(ctx, args.GROUP!, async (client, group) => {
        const member = findMember(group, args.MEMBER!);
        await client.setRole(group.groupId, member.deviceId, role);
        ctx.out.result({ ok: true, member: member.deviceId, role }, `${member.displayName ?? member.deviceId} is now ${role}.`);
      });
    },
  },
];
