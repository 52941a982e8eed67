// What a relay that hides or forks did, as the CLI says it: the messages still
// missing after catch-up (by whom), a member whose messages are hidden from
// this device, and a fork of the group (P7, P14). One line each.
import type { GroupView } from '../sdk/client-api';

export function deliveryWarnings(group: GroupView): string[] {
  const nameOf = (id: string) => group.members.find((m) => m.deviceId === id)?.displayName ?? id.slice(0, 8);
  const lines: string[] = [];
  if (group.fork) lines.push('WARNING: the server shows members different versions of this group. Compare safety numbers in person and tell an admin.');
  for (const g of group.openGaps) {
    lines.push(
      g.hidden
        ? `WARNING: the server may be hiding ${nameOf(g.sender)}'s messages from you (others read them).`
        : `WARNING: ${g.missing} message(s) from ${nameOf(g.sender)} never arrived.`,
    );
  }
  return lines;
}
