// urgent, urgent-ack: asking a group's facilitators and admins for help (only
// they and she can read it), and a facilitator's or admin's "I saw it, I will
// get in touch". `read` lists the requests to facilitators and admins
// (urgentItems below). The CLI never dials a number; it prints the group's.
import type { Client } from '../../sdk/client';
import type { GroupView, UrgentRequestInfo } from '../../sdk/client-api';
import { type Command, pick, withGroup } from '../context';

/** What `read` shows a facilitator or admin for each request (nothing to anyone else). */
export function urgentItems(client: Client, group: GroupView) {
  if (group.role === 'member') return [];
  const names = new Map(group.members.map((m) => [m.deviceId, m.displayName]));
  return client.urgentRequests(group.groupId).map((r) => ({
    seq: r.seq,
    messageId: r.requestId,
    kind: 'urgent' as const,
    text: r.text,
    sender: r.sender,
    senderName: names.get(r.sender) ?? null,
    sentAt: r.sentAt,
    acknowledged: r.acknowledgedBy !== null,
    acknowledgedBy: r.acknowledgedBy,
    acknowledgedByName: r.acknowledgedBy ? (names.get(r.acknowledgedBy) ?? null) : null,
  }));
}

/** One line for `read`. */
export function urgentLine(item: ReturnType<typeof urgentItems>[number]): string {
  const who = item.senderName ?? item.sender.slice(0, 8);
  const seen = item.acknowledged
    ? `acknowledged by ${item.acknowledgedByName ?? item.acknowledgedBy}`
    : 'NOT ACKNOWLEDGED';
  return `#${item.seq} ${who}: [URGENT HELP] ${item.text ?? ''}  (${seen}; id ${item.messageId})`;
}

function statusOf(r: UrgentRequestInfo, helpNumbers: string[]): string {
  if (r.acknowledgedBy) return 'seen by a facilitator';
  if (r.overdue && helpNumbers.length) return `no answer yet: call ${helpNumbers.join(' or ')}`;
  return 'sent';
}

export const urgentCommands: Command[] = [
  {
    words: ['urgent'],
    args: ['GROUP', 'TEXT'],
    rest: true,
    lastOptional: true,
    usage: 'urgent GROUP [TEXT]   (only the group’s facilitators and admins can read it)',
    async run(ctx, args) {
      await withGroup(ctx, args.GROUP!, async (client, group) => {
        const { messageId, seq } = await client.requestHelp(group.groupId, args.TEXT || undefined);
        const { helpNumbers } = client.helpSettings(group.groupId);
        ctx.out.result(
          { messageId, seq, helpNumbers },
          `Urgent request sent to the facilitators and admins (#${seq}, id ${messageId}).${
            helpNumbers.length ? ` If no one answers: ${helpNumbers.join(', ')}.` : ''
          }`,
        );
      });
    },
  },
  {
    words: ['urgent-ack'],
    args: ['GROUP', 'ID'],
    usage: 'urgent-ack GROUP ID   (tell her and the others you saw it and will get in touch)',
    async run(ctx, args) {
      await withGroup(ctx, args.GROUP!, async (client, group) => {
        const requests = client.urgentRequests(group.groupId);
        const request = pick(requests, args.ID!, 'urgent request', (r) => r.requestId);
        const { seq } = await client.acknowledgeHelp(group.groupId, request.requestId);
        ctx.out.result({ requestId: request.requestId, seq }, `Acknowledged the urgent request (#${request.seq}).`);
      });
    },
  },
  {
    words: ['urgent-status'],
    args: ['GROUP'],
    usage: 'urgent-status GROUP   (your own urgent requests: sent, seen, or the help numbers)',
    async run(ctx, args) {
      await withGroup(ctx, args.GROUP!, async (client, group) => {
        const { helpNumbers } = client.helpSettings(group.groupId);
        const mine = client.urgentRequests(group.groupId).filter((r) => r.mine);
        ctx.out.result(
          mine.map((r) => ({
            requestId: r.requestId,
            seq: r.seq,
            status: r.acknowledgedBy ? 'seen' : r.overdue ? 'no-answer' : 'sent',
            helpNumbers: r.overdue && !r.acknowledgedBy ? helpNumbers : [],
          })),
          mine.length ? mine.map((r) => `#${r.seq}: ${statusOf(r, helpNumbers)}`) : ['No urgent requests.'],
        );
      });
    },
  },
];
