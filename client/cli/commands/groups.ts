// group create, list, accept, decline, leave; remove, role: groups and their signed roster.
import { deliveryWarnings } from '../delivery-warnings';
import { t } from '../../web/i18n';
import { ROLES, type Role } from '../../../shared/protocol/posting-rules';
import type { Client } from '../../sdk/client';
import { DEFAULT_RETENTION_SECONDS, type GroupView } from '../../sdk/client-api';
import { type Command, findMember, withClient, withGroup } from '../context';
import { CliError } from '../output';

/** group accept / group decline: her answer to a group she was put in without asking. */
function consentCommand(
  verb: 'accept' | 'decline',
  usage: string,
  act: (client: Client, group: GroupView) => Promise<string>,
): Command {
  return {
    words: ['group', verb],
    args: ['GROUP'],
    usage,
    async run(ctx, args) {
      await withGroup(ctx, args.GROUP!, async (client, group) => {
        if (!group.invitation) throw new CliError(`${group.name ?? group.groupId} is not an invitation`, 2);
        ctx.out.result(
          { ok: true, group: group.groupId, [verb === 'accept' ? 'accepted' : 'declined']: true },
          await act(client, group),
        );
      });
    },
  };
}

/** What a group's state asks of her, one line each, in the catalogue's words (P5, P8, P13, P7, P14). */
function stateLines(g: GroupView): string[] {
  return [
    ...(g.invitation ? [t('consent.invitation')] : []),
    ...(!g.invitation && !g.doorVerified ? [t('warn.notVerified')] : []),
    ...(g.waitingForKey ? [t('key.waiting')] : []),
    ...(g.staleKey ? [t('key.stale')] : []),
    ...deliveryWarnings(g),
  ];
}

export const groupCommands: Command[] = [
  {
    words: ['group', 'create'],
    args: ['NAME'],
    rest: true,
    usage: 'group create NAME',
    async run(ctx, args) {
      await withClient(ctx, async (client) => {
        const id = await client.createGroup(args.NAME!, { retentionSeconds: DEFAULT_RETENTION_SECONDS });
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
            fork: g.fork,
            openGaps: g.openGaps,
            invitation: g.invitation,
            doorVerified: g.doorVerified,
            waitingForKey: g.waitingForKey,
            staleKey: g.staleKey,
          })),
          groups.length === 0
            ? 'No groups yet.'
            : groups.flatMap((g) => [
                `${g.groupId}  ${g.name ?? '(unnamed)'}  ${g.role}, ${g.members.length} members, ${g.unread} unread` +
                  (g.rosterValid ? '' : '  WARNING: roster does not verify') +
                  (g.invitation ? '  INVITATION ("group accept" or "group decline")' : ''),
                ...stateLines(g).map((w) => `  ${w}`),
              ]),
        );
      });
    },
  },
  consentCommand('accept', 'group accept GROUP', async (client, group) => {
    await client.acceptInvitation(group.groupId);
    return `Joined ${group.name ?? group.groupId}; the members can now see your name.`;
  }),
  consentCommand('decline', 'group decline GROUP', async (client, group) => {
    await client.declineInvitation(group.groupId);
    return `Declined and left ${group.name ?? group.groupId}; it is forgotten on this device.`;
  }),
  {
    words: ['group', 'leave'],
    args: ['GROUP'],
    options: { yes: { type: 'boolean' } },
    usage: 'group leave GROUP --yes',
    async run(ctx, args, opts) {
      if (opts.yes !== true) throw new CliError('leaving cannot be undone: add --yes to leave', 2);
      await withGroup(ctx, args.GROUP!, async (client, group) => {
        await client.leaveGroup(group.groupId);
        ctx.out.result(
          { ok: true, left: group.groupId },
          `Left ${group.name ?? group.groupId}; an admin's app will start a new epoch without you.`,
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
        ctx.out.result(
          { ok: true, removed: member.deviceId },
          `Removed ${member.displayName ?? member.deviceId}; a new epoch has started.`,
        );
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
        ctx.out.result(
          { ok: true, member: member.deviceId, role },
          `${member.displayName ?? member.deviceId} is now ${role}.`,
        );
      });
    },
  },
];
