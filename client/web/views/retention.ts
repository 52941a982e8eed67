// How long the server keeps a group's messages: a choice of common periods.
import type { AppContext } from '../ui/context';
import { select } from '../ui/dom';

const DAY = 24 * 3600;
export const RETENTION_CHOICES: (number | null)[] = [null, DAY, 7 * DAY, 30 * DAY, 90 * DAY, 365 * DAY];

export function retentionLabel(ctx: AppContext, seconds: number | null): string {
  if (seconds === null) return ctx.t('retention.forever');
  return ctx.t('retention.days', { count: Math.round(seconds / DAY) });
}

export function retentionSelect(
  ctx: AppContext,
  current: number | null,
): { el: HTMLSelectElement; value(): number | null } {
  const choices = RETENTION_CHOICES.includes(current) ? RETENTION_CHOICES : [...RETENTION_CHOICES, current];
  const el = select(
    'retention',
    choices.map((s) => ({ value: s === null ? 'forever' : String(s), label: retentionLabel(ctx, s) })),
    current === null ? 'forever' : String(current),
  );
  return { el, value: () => (el.value === 'forever' ? null : Number(el.value)) };
}
