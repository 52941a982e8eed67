// What chat messages and bulletins share: who sent it (name, role, time) and
// the warnings the SDK raised about it. Content is always set as text.
import type { GroupView } from '../../sdk/client-api';
import type { EventFlags, MessageEvent } from '../../sdk/events';
import { formatTime, formatWhen } from '../i18n';
import type { AppContext } from '../ui/context';
import { h } from '../ui/dom';
import { roleBadge, shortId } from '../ui/widgets';

/** Her name as members know it; someone removed (or gone) keeps the name she had on her earlier messages. */
export function senderName(ctx: AppContext, group: GroupView, deviceId: string): string {
  if (deviceId === ctx.session.client.deviceId) return ctx.t('chat.you');
  const known = [...group.members, ...group.formerMembers].find((m) => m.deviceId === deviceId);
  return known?.displayName ?? ctx.t('chat.member', { id: shortId(deviceId) });
}

export function senderLine(
  ctx: AppContext,
  group: GroupView,
  event: Pick<MessageEvent, 'sender' | 'senderRole' | 'sentAt'>,
  /** bulletins: the time for today's, the date and time for older ones (the chat has day lines instead) */
  dated = false,
): HTMLElement {
  return h(
    'p',
    { class: 'meta' },
    h('span', { class: 'sender', 'data-device': event.sender }, senderName(ctx, group, event.sender)),
    roleBadge(ctx, event.senderRole),
    h(
      'time',
      { datetime: new Date(event.sentAt).toISOString() },
      dated ? formatWhen(event.sentAt) : formatTime(event.sentAt),
    ),
  );
}

/** Display names arrive in encrypted profile messages, possibly after the messages they label. */
export function refreshSenderNames(ctx: AppContext, root: HTMLElement, group: GroupView): void {
  for (const el of root.querySelectorAll<HTMLElement>('.sender[data-device]'))
    el.textContent = senderName(ctx, group, el.dataset.device!);
}

/** Calls back with the group's fresh view whenever one of its profile or name messages arrives. */
export function onMetaMessage(ctx: AppContext, groupId: string, update: (group: GroupView) => void): () => void {
  const client = ctx.session.client;
  return client.subscribe((event) => {
    if (event.type !== 'message' || event.groupId !== groupId || event.kind !== 'meta') return;
    void client.groups({ includeRemoved: true }).then(
      (groups) => {
        const group = groups.find((g) => g.groupId === groupId);
        if (group) update(group);
      },
      () => {},
    );
  });
}

/**
 * One line per problem, most serious first; an empty list for a clean message.
 * The gap line carries data-flag="gap": the missing message may arrive a moment
 * later (the SDK then clears the flag in the history) and the chat removes it.
 */
export function flagWarnings(ctx: AppContext, flags: EventFlags): HTMLElement[] {
  const lines: HTMLElement[] = [];
  const warn = (key: Parameters<AppContext['t']>[0], flag?: string) =>
    lines.push(h('p', { class: 'warning', role: 'note', 'data-flag': flag ?? null }, ctx.t(key)));
  if (!flags.verified) warn('warn.unverified');
  if (flags.invalidRoster) warn('warn.invalidRoster');
  if (flags.roleRejected) warn('warn.roleRejected');
  if (flags.gap) warn('warn.gap', 'gap');
  if (flags.seqJump && !flags.gap) warn('warn.seqJump'); // a gap says it already
  if (flags.replay) warn('warn.replay');
  return lines;
}

/** Whether the content may be shown at all (a forged or disallowed one is not). */
export const contentTrusted = (flags: EventFlags) => flags.verified && !flags.roleRejected && !flags.replay;

export function contentText(ctx: AppContext, event: MessageEvent): string {
  const c = event.content;
  switch (c.type) {
    case 'text':
      return c.text;
    case 'urgent-help':
      return ctx.t('chat.urgent'); // never in the history: its words are read through urgentRequests
    case 'edit':
      return c.text;
    case 'delete':
      return ctx.t('chat.deleted'); // a message its sender deleted for everyone (the history holds no text)
    case 'unsupported':
      return ctx.t('chat.unsupported');
    case 'attachment': // quotes and the reply bar: its caption, else the file's name
      return c.text || c.attachments.map((a) => a.name).join(', ');
    default:
      return '';
  }
}
