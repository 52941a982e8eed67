// send, bulletin, read: the encrypted conversation of a group.
import type { DecodedPlaintext } from '../../../shared/protocol/plaintext';
import type { MessageEvent } from '../../sdk/events';
import { type Command, findGroup, withGroup } from '../context';
import { sendFileFrom } from './attachments';
import { deliveryWarnings } from '../delivery-warnings';
import { CliError } from '../output';
import { t } from '../../web/i18n';
import { urgentItems, urgentLine } from './urgent';

/** A send refused because the new epoch's key is missing, said in words. */
async function unlessWaitingForKey<T>(send: Promise<T>): Promise<T> {
  try {
    return await send;
  } catch (e) {
    if ((e as { code?: unknown }).code === 'waiting_for_key') throw new CliError(t('key.waiting'));
    throw e;
  }
}

/** What a person reads for any plaintext type. */
function textOf(c: DecodedPlaintext): string {
  switch (c.type) {
    case 'text':
    case 'edit':
      return c.text;
    case 'attachment':
      return [...c.attachments.map((a) => `[file: ${a.name}, ${a.size} bytes]`), c.text ?? ''].join(' ').trim();
    case 'urgent-help':
      return '[urgent help]'; // its words are sealed: read through urgentRequests (urgent.ts)
    case 'reaction':
      return `[reaction ${c.emoji}]`;
    case 'delete':
      return '[deleted]'; // in the history: a message its sender deleted for everyone
    case 'profile':
      return `[name: ${c.displayName}]`;
    case 'group-name':
      return `[group name: ${c.name}]`;
    default:
      return '[a newer kind of message; update Mindeulle to read it]';
  }
}

/** Flags a person must see next to a message. */
function warnings(e: MessageEvent): string[] {
  const w: string[] = [];
  if (!e.flags.verified) w.push('NOT VERIFIED');
  if (e.flags.roleRejected) w.push('sender may not post this');
  if (e.flags.invalidRoster) w.push('group roster invalid');
  if (e.flags.gap) w.push('messages missing before this');
  else if (e.flags.seqJump) w.push('the server held back messages before this');
  if (e.flags.replay) w.push('replayed');
  return w;
}

/** "↪ #12 " before a reply: the handle of the message it answers ("↪ earlier message" when not held). */
function replyHandle(events: MessageEvent[], e: MessageEvent): string {
  if (e.content.type !== 'text' || !e.content.replyTo) return '';
  const replyTo = e.content.replyTo;
  const target = events.find((o) => o.messageId === replyTo);
  return target ? `↪ #${target.seq} ` : '↪ (an earlier message) ';
}

/** One message as `read` prints it. */
function lineOf(events: MessageEvent[], names: Map<string, string | null>, e: MessageEvent): string {
  const who = names.get(e.sender) ?? e.sender.slice(0, 8);
  const tag = e.kind === 'bulletin' ? `[bulletin${e.pinned ? ', pinned' : ''}] ` : '';
  const warn = warnings(e);
  const edited = e.edited ? ' (edited)' : '';
  return `#${e.seq} ${who}: ${tag}${replyHandle(events, e)}${textOf(e.content)}${edited}${warn.length ? `  (${warn.join('; ')})` : ''}`;
}

export const messageCommands: Command[] = [
  {
    words: ['send'],
    args: ['GROUP', 'TEXT'],
    rest: true,
    lastOptional: true,
    options: { file: { type: 'string' } },
    usage: 'send GROUP TEXT | send GROUP --file PATH [TEXT]',
    async run(ctx, args, opts) {
      const file = typeof opts.file === 'string' ? opts.file : null;
      if (!file && !args.TEXT)
        throw new CliError('usage: mindeulle send GROUP TEXT | send GROUP --file PATH [TEXT]', 2);
      await withGroup(ctx, args.GROUP!, async (client, group) => {
        if (file) {
          const sent = await unlessWaitingForKey(sendFileFrom(client, group.groupId, file, args.TEXT ?? ''));
          const { id, name, size, type } = sent.attachment;
          ctx.out.result(
            { messageId: sent.messageId, seq: sent.seq, attachment: { id, name, size, type } },
            `Sent ${name} (#${sent.seq}).`,
          );
          return;
        }
        const { messageId, seq } = await unlessWaitingForKey(client.send(group.groupId, args.TEXT!));
        ctx.out.result({ messageId, seq }, `Sent (#${seq}).`);
      });
    },
  },
  {
    words: ['bulletin'],
    args: ['GROUP', 'TEXT'],
    rest: true,
    options: { pin: { type: 'boolean' }, also: { type: 'string', multiple: true } },
    usage: 'bulletin GROUP TEXT [--pin] [--also GROUP]...   (--also: the same bulletin in more of your groups)',
    async run(ctx, args, opts) {
      const also = Array.isArray(opts.also) ? opts.also : [];
      await withGroup(ctx, args.GROUP!, async (client, group) => {
        const pin = opts.pin === true;
        if (also.length > 0) {
          const others = await Promise.all(also.map((ref) => findGroup(client, ref)));
          const posted = await unlessWaitingForKey(
            client.postBulletinToGroups([group.groupId, ...others.map((g) => g.groupId)], args.TEXT!, { pin }),
          );
          ctx.out.result(
            posted.map((p) => ({ ...p, pinned: pin })),
            `Posted the bulletin in ${posted.length} groups${pin ? ', pinned' : ''}.`,
          );
          return;
        }
        const { messageId, seq } = await unlessWaitingForKey(client.postBulletin(group.groupId, args.TEXT!, { pin }));
        ctx.out.result({ messageId, seq, pinned: pin }, `Posted bulletin (#${seq})${pin ? ', pinned' : ''}.`);
      });
    },
  },
  {
    words: ['read'],
    args: ['GROUP'],
    usage: 'read GROUP',
    async run(ctx, args) {
      await withGroup(ctx, args.GROUP!, async (client, group) => {
        const events = (await client.history(group.groupId)).filter((e) => e.kind !== 'meta');
        const names = new Map(group.members.map((m) => [m.deviceId, m.displayName]));
        await client.markRead(group.groupId);
        // urgent requests: to facilitators and admins only, in sequence order among the messages
        const urgent = urgentItems(client, group);
        const bySeq = <T extends { seq: number }>(a: T, b: T) => a.seq - b.seq;
        const messages = events.map((e) => ({
          seq: e.seq,
          messageId: e.messageId,
          replyTo: e.content.type === 'text' ? (e.content.replyTo ?? null) : null,
          edited: e.edited === true,
          deleted: e.deleted === true,
          kind: e.kind,
          text: textOf(e.content),
          sender: e.sender,
          senderName: names.get(e.sender) ?? null,
          senderRole: e.senderRole,
          verified: e.flags.verified,
          pinned: e.pinned,
          sentAt: e.sentAt,
          flags: e.flags,
          attachments:
            e.content.type === 'attachment'
              ? e.content.attachments.map(({ id, name, size, type }) => ({ id, name, size, type }))
              : [],
        }));
        const lines = events.map((e) => ({ seq: e.seq, line: lineOf(events, names, e) }));
        const shown = [...lines, ...urgent.map((u) => ({ seq: u.seq, line: urgentLine(u) }))].sort(bySeq);
        ctx.out.result([...messages, ...urgent].sort(bySeq), [
          ...deliveryWarnings(group),
          ...(shown.length === 0 ? ['No messages.'] : shown.map((l) => l.line)),
        ]);
      });
    },
  },
];
