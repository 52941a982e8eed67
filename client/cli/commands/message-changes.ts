// reply, edit, delete: answering a message with a quote, and changing or
// deleting her own message or bulletin for everyone. A message is named by
// the "#N" handle `read` shows (its sequence in the group) or by its id.
import type { Client } from '../../sdk/client';
import { type Command, withGroup } from '../context';
import { CliError } from '../output';

/** The message a "#12", "12" or full message id names, from the device's history. */
export async function messageByRef(client: Client, groupId: string, ref: string) {
  const history = (await client.history(groupId)).filter((e) => e.kind !== 'meta');
  const handle = /^#?(\d+)$/.exec(ref.trim());
  const found = handle
    ? history.find((e) => e.seq === Number(handle[1]))
    : history.find((e) => e.messageId === ref.trim());
  if (!found) throw new CliError(`no message ${ref} in this group (see "read" for the #numbers)`);
  return found;
}

export const messageChangeCommands: Command[] = [
  {
    words: ['reply'],
    args: ['GROUP', 'MESSAGE', 'TEXT'],
    rest: true,
    usage: 'reply GROUP MESSAGE TEXT   (MESSAGE: the #number "read" shows)',
    async run(ctx, args) {
      await withGroup(ctx, args.GROUP!, async (client, group) => {
        const target = await messageByRef(client, group.groupId, args.MESSAGE!);
        if (target.kind !== 'message') throw new CliError('only chat messages can be answered (bulletins cannot)');
        const { messageId, seq } = await client.send(group.groupId, args.TEXT!, { replyTo: target.messageId });
        ctx.out.result({ messageId, seq, replyTo: target.messageId }, `Replied to #${target.seq} (#${seq}).`);
      });
    },
  },
  {
    words: ['edit'],
    args: ['GROUP', 'MESSAGE', 'TEXT'],
    rest: true,
    usage: 'edit GROUP MESSAGE TEXT   (your own message or bulletin)',
    async run(ctx, args) {
      await withGroup(ctx, args.GROUP!, async (client, group) => {
        const target = await messageByRef(client, group.groupId, args.MESSAGE!);
        const { seq } = await client.editMessage(group.groupId, target.messageId, args.TEXT!);
        ctx.out.result({ messageId: target.messageId, seq }, `Edited #${target.seq}.`);
      });
    },
  },
  {
    words: ['delete'],
    args: ['GROUP', 'MESSAGE'],
    usage: 'delete GROUP MESSAGE   (your own message or bulletin, for everyone)',
    async run(ctx, args) {
      await withGroup(ctx, args.GROUP!, async (client, group) => {
        const target = await messageByRef(client, group.groupId, args.MESSAGE!);
        const { seq } = await client.deleteMessage(group.groupId, target.messageId);
        ctx.out.result({ messageId: target.messageId, seq }, `Deleted #${target.seq} for everyone.`);
      });
    },
  },
];
