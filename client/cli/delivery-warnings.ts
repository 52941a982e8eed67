// What a relay that hides or forks did, as the CLI says it: the messages still
// missing after catch-up (by whom), a member whose messages are hidden from
// this device, and a fork of the group (P7, P14). One line each.
import type { GroupView } from '../sdk/client-api';
import { t } from '../web/i18n';

export function deliveryWarnings(group: GroupView): string[] {
  const nameOf = (id: string) => group.members.find((m) => m.deviceId === id)?.displayName ?? id.slice(0, 8);
  const lines: string[] = [];
  if (group.fork) lines.push(t('warn.fork'));
  for (const g of group.openGaps) {
    lines.push(
      g.hidden
        ? t('warn.hiddenMember', { name: nameOf(g.sender) })
        : t('warn.missingFrom', { count: g.missing, name: nameOf(g.sender) }),
    );
  }
  return lines;
}
