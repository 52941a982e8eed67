// invite create/list/revoke/rotate, join, requests, approve, reject,
// reject-all: letting newcomers in with a code and an admin's approval.
import { GRANTABLE_ROLES, type GrantableRole } from '../../../shared/protocol/posting-rules';
import type { InviteOptions, JoinRequestInfo } from '../../sdk/client-api';
import { inviteLink, parseInvite } from '../../sdk/invite-link';
import { t } from '../../web/i18n';
import { type OptionValues, parseDuration, parsePositiveInt } from '../args';
import { type Command, pick, withClient, withGroup } from '../context';
import { CliError, groupsOf } from '../output';

const inviteOptions = {
  role: { type: 'string' },
  uses: { type: 'string' },
  expires: { type: 'string' },
} as const;

function toInviteOptions(opts: OptionValues): InviteOptions {
  const out: InviteOptions = {};
  if (opts.role !== undefined) {
    if (!(GRANTABLE_ROLES as readonly unknown[]).includes(opts.role))
      throw new CliError(`--role must be ${GRANTABLE_ROLES.join(' or ')}`, 2);
    out.role = opts.role as GrantableRole;
  }
  if (typeof opts.uses === 'string') out.maxUses = parsePositiveInt(opts.uses, '--uses');
  if (typeof opts.expires === 'string') out.expiresInSeconds = parseDuration(opts.expires);
  return out;
}

/** Her words only when her device wrote them; a moved introduction is a warning, never text. */
function introductionLine(r: JoinRequestInfo): string {
  switch (r.introductionStatus) {
    case 'verified':
      return `"${r.introduction ?? ''}"`;
    case 'transplanted':
      return t('requests.transplanted');
    case 'unreadable':
      return `(${t('requests.unreadableIntroduction')})`;
    default:
      return '(no introduction)';
  }
}

const when = (unix: number) => new Date(unix * 1000).toISOString().slice(0, 16).replace('T', ' ');

/** invite create and invite rotate: both make a code (rotate first revokes every active one). */
function inviteCodeCommand(verb: 'create' | 'rotate'): Command {
  return {
    words: ['invite', verb],
    args: ['GROUP'],
    options: inviteOptions,
    usage: `invite ${verb} GROUP [--role member|facilitator] [--uses N] [--expires 7d]`,
    async run(ctx, args, opts) {
      const options = toInviteOptions(opts);
      await withGroup(ctx, args.GROUP!, async (client, group) => {
        const made =
          verb === 'create'
            ? await client.createInvite(group.groupId, options)
            : await client.rotateInvites(group.groupId, options);
        const revoked = 'revoked' in made ? made.revoked : undefined;
        // The link carries the group's genesis hash: whoever joins with it cannot be shown another group.
        const link = inviteLink((await ctx.session.server()) ?? '', made.code, made.groupHash);
        ctx.out.result(
          {
            code: made.code,
            id: made.inviteId,
            groupHash: made.groupHash,
            link,
            ...(revoked === undefined ? {} : { revoked }),
          },
          [
            ...(revoked === undefined ? [] : [`Revoked ${revoked} invite(s).`]),
            `Invite link: ${link}`,
            `Invite code: ${made.code}  (group hash ${made.groupHash})`,
            'Share the link privately (a code alone cannot prove which group it opens); the newcomer still needs your approval.',
          ],
        );
      });
    },
  };
}

export const inviteCommands: Command[] = [
  inviteCodeCommand('create'),
  {
    words: ['invite', 'list'],
    args: ['GROUP'],
    usage: 'invite list GROUP',
    async run(ctx, args) {
      await withGroup(ctx, args.GROUP!, async (client, group) => {
        const invites = await client.listInvites(group.groupId);
        ctx.out.result(
          invites.map((i) => ({
            id: i.inviteId,
            role: i.role,
            uses: i.uses,
            maxUses: i.maxUses,
            expiresAt: i.expiresAt,
            revoked: i.revoked,
            label: i.label,
          })),
          invites.length === 0
            ? 'No invites.'
            : invites.map(
                (i) =>
                  `${i.inviteId}  ${i.role}  ${i.uses}/${i.maxUses} used  expires ${when(i.expiresAt)}${i.revoked ? '  revoked' : ''}`,
              ),
        );
      });
    },
  },
  {
    words: ['invite', 'revoke'],
    args: ['GROUP', 'INVITE'],
    usage: 'invite revoke GROUP INVITE',
    async run(ctx, args) {
      await withGroup(ctx, args.GROUP!, async (client, group) => {
        const invite = pick(
          await client.listInvites(group.groupId),
          args.INVITE!,
          'invite',
          (i) => i.inviteId,
          (i) => i.label,
        );
        await client.revokeInvite(group.groupId, invite.inviteId);
        ctx.out.result(
          { ok: true, id: invite.inviteId },
          `Revoked invite ${invite.inviteId}; its pending requests were rejected.`,
        );
      });
    },
  },
  inviteCodeCommand('rotate'),
  {
    words: ['join'],
    args: ['LINK_OR_CODE'],
    rest: true,
    options: { intro: { type: 'string' }, 'group-hash': { type: 'string' } },
    usage: 'join LINK|CODE [--group-hash HASH] [--intro TEXT]',
    async run(ctx, args, opts) {
      const invite = parseInvite(args.LINK_OR_CODE!);
      if (!invite) throw new CliError('that is not an invite link or code', 2);
      const groupHash = typeof opts['group-hash'] === 'string' ? opts['group-hash'] : invite.groupHash;
      await withClient(ctx, async (client) => {
        const intro = typeof opts.intro === 'string' ? opts.intro : undefined;
        const { requestId, groupId } = await client.join(invite.code, intro, groupHash);
        ctx.out.result({ requestId, groupId, verified: groupHash !== null }, [
          `Asked to join group ${groupId} (request ${requestId}).`,
          'An admin of the group must approve you.',
          ...(groupHash === null ? [t('warn.notVerified')] : []),
        ]);
      });
    },
  },
  {
    words: ['requests'],
    args: ['GROUP'],
    usage: 'requests GROUP',
    async run(ctx, args) {
      await withGroup(ctx, args.GROUP!, async (client, group) => {
        const requests = await client.joinRequests(group.groupId);
        ctx.out.result(
          requests.map((r) => ({
            id: r.requestId,
            device: r.deviceId,
            role: r.role,
            invite: r.inviteId,
            introduction: r.introduction,
            introductionStatus: r.introductionStatus,
            safetyNumber: r.safetyNumber,
          })),
          requests.length === 0
            ? 'No pending requests.'
            : requests.map(
                (r) =>
                  `${r.requestId}  ${r.role}  device ${r.deviceId}  ${introductionLine(r)}  safety number ${groupsOf(r.safetyNumber.replace(/\s/g, ''), 5)}`,
              ),
        );
      });
    },
  },
  {
    // a leaked multi-use code can fill an invite's pending quota: reject them all at once
    words: ['reject-all'],
    args: ['GROUP'],
    options: { invite: { type: 'string' } },
    usage: 'reject-all GROUP [--invite INVITE]',
    async run(ctx, args, opts) {
      await withGroup(ctx, args.GROUP!, async (client, group) => {
        const invite =
          typeof opts.invite === 'string'
            ? pick(
                await client.listInvites(group.groupId),
                opts.invite,
                'invite',
                (i) => i.inviteId,
                (i) => i.label,
              )
            : undefined;
        const removed = await client.clearJoinRequests(group.groupId, invite ? { inviteId: invite.inviteId } : {});
        ctx.out.result(
          { removed },
          `Rejected ${removed} pending request(s)${invite ? ` of invite ${invite.inviteId}` : ''}.`,
        );
      });
    },
  },
  ...(['approve', 'reject'] as const).map(
    (verb): Command => ({
      words: [verb],
      args: ['GROUP', 'REQUEST'],
      usage: `${verb} GROUP REQUEST`,
      async run(ctx, args) {
        await withGroup(ctx, args.GROUP!, async (client, group) => {
          const request = pick(
            await client.joinRequests(group.groupId),
            args.REQUEST!,
            'join request',
            (r) => r.requestId,
          );
          await (verb === 'approve'
            ? client.approve(group.groupId, request.requestId)
            : client.reject(group.groupId, request.requestId));
          ctx.out.result(
            { ok: true, id: request.requestId, device: request.deviceId },
            verb === 'approve'
              ? `Approved ${request.deviceId}; a new epoch has started.`
              : `Rejected request ${request.requestId}.`,
          );
        });
      },
    }),
  ),
];
