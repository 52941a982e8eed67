// init, whoami, passphrase change, safety-number: who this device is, its
// passphrase, and comparing keys in person.
import { CliError, groupsOf } from '../output';
import { type Command, findMember, withGroup } from '../context';

export const identityCommands: Command[] = [
  {
    words: ['init'],
    args: [],
    options: { name: { type: 'string' } },
    usage: 'init --name NAME --server URL',
    async run(ctx, _args, opts) {
      const name = typeof opts.name === 'string' ? opts.name.trim() : '';
      if (!name) throw new CliError('init needs --name NAME', 2);
      const client = await ctx.session.create(name);
      try {
        ctx.out.result({ id: client.deviceId, name }, [
          `Created ${name} (device ${client.deviceId}) in ${ctx.session.home}`,
        ]);
      } finally {
        await client.close();
      }
    },
  },
  {
    words: ['whoami'],
    args: [],
    usage: 'whoami',
    async run(ctx) {
      const client = await ctx.session.open();
      try {
        const server = await ctx.session.server();
        ctx.out.result({ id: client.deviceId, name: client.displayName, server }, [
          `${client.displayName ?? '(no name)'}  device ${client.deviceId}`,
          `server ${server}`,
        ]);
      } finally {
        await client.close();
      }
    },
  },
  {
    words: ['passphrase', 'change'],
    args: [],
    usage: 'passphrase change   (the new one from MINDEULLE_NEW_PASSPHRASE or asked twice)',
    async run(ctx) {
      await ctx.session.changePassphrase();
      ctx.out.result({ changed: true }, ['Passphrase changed: everything in this --home is sealed under the new one.']);
    },
  },
  {
    words: ['safety-number'],
    args: ['GROUP', 'MEMBER'],
    usage: 'safety-number GROUP MEMBER',
    async run(ctx, args) {
      await withGroup(ctx, args.GROUP!, async (client, group) => {
        const member = findMember(group, args.MEMBER!);
        const sn = await client.safetyNumber(group.groupId, member.deviceId);
        ctx.out.result({ member: member.deviceId, digits: sn.digits, qr: sn.qr, roster: sn.roster }, [
          `Safety number with ${member.displayName ?? member.deviceId}:`,
          groupsOf(sn.digits.replace(/\s/g, ''), 5),
          `Group version: #${sn.roster.seq} ${sn.roster.hash}`,
          'Compare both in person; if the number differs, do not trust this member; if the group version differs, the server shows you different groups: tell an admin.',
        ]);
      });
    },
  },
];
