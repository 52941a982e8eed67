// Small pieces that several screens share.
import type { Role } from '../../../shared/protocol/roster';
import { hasMessage } from '../i18n';
import type { AppContext } from './context';
import { type Child, h } from './dom';
import type { Route } from './routes';

/** The screen's title (focused on navigation, so screen readers announce it) and an optional back button (also the phone's Back). */
export function screenHeader(ctx: AppContext, title: Child, back?: Route, actions?: Child): HTMLElement {
  if (back) ctx.offerBack?.(back);
  return h(
    'div',
    { class: 'screen-head' },
    back
      ? h(
          'button',
          { type: 'button', class: 'back', 'aria-label': ctx.t('nav.back'), onclick: () => ctx.navigate(back) },
          '‹',
        )
      : null,
    h('h1', { tabindex: '-1' }, title),
    actions,
  );
}

/** A role="alert" box for errors, empty until shown. */
export function alertBox(): { el: HTMLElement; show(text: string): void; clear(): void } {
  const el = h('p', { class: 'alert', role: 'alert', hidden: true });
  return {
    el,
    show(text) {
      el.textContent = text;
      el.hidden = false;
    },
    clear() {
      el.textContent = '';
      el.hidden = true;
    },
  };
}

/**
 * A visible confirmation beside the control that was saved ("저장했습니다"),
 * also said through the live region. It belongs to its screen: a screen
 * change or lock renders a new screen without it.
 */
export function savedNote(ctx: AppContext): { el: HTMLElement; show(text: string): void; clear(): void } {
  const el = h('p', { class: 'saved-note', hidden: true });
  return {
    el,
    show(text) {
      el.textContent = text;
      el.hidden = false;
      ctx.announce(text);
    },
    clear() {
      el.textContent = '';
      el.hidden = true;
    },
  };
}

/** The message for an error: the server's or SDK's stable code if the catalogue knows it. */
export function errorText(ctx: AppContext, err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    const key = `error.${code}`;
    if (hasMessage(key)) return ctx.t(key);
  }
  if (err instanceof TypeError) return ctx.t('error.offline');
  return ctx.t('error.generic');
}

/** The relay could not be reached (no network, or no answer in time): the connection bar says so, not an error box. */
export const isOffline = (err: unknown): boolean =>
  err instanceof TypeError || (err as { code?: unknown } | null)?.code === 'offline';

/** Runs an action with its button disabled and marked busy; errors go to the alert. */
export async function runBusy(
  button: HTMLButtonElement,
  alert: ReturnType<typeof alertBox>,
  ctx: AppContext,
  action: () => Promise<void>,
): Promise<void> {
  if (button.disabled) return;
  alert.clear();
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    await action();
  } catch (err) {
    alert.show(errorText(ctx, err));
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

/** A button that asks once more (its label changes to the question) before it acts. */
export function pressTwice(
  ctx: AppContext,
  alert: ReturnType<typeof alertBox>,
  labels: { label: string; confirm: string; className?: string },
  action: () => Promise<void>,
): HTMLButtonElement {
  const button = h('button', { type: 'button', class: labels.className ?? null }, labels.label);
  button.addEventListener('click', () => {
    if (button.dataset.confirm !== 'yes') {
      button.dataset.confirm = 'yes';
      button.textContent = labels.confirm;
      return;
    }
    void runBusy(button, alert, ctx, action).then(() => {
      delete button.dataset.confirm;
      button.textContent = labels.label;
    });
  });
  return button;
}

export function roleBadge(ctx: AppContext, role: Role | null): HTMLElement | null {
  return role ? h('span', { class: `badge role-${role}` }, ctx.t(`role.${role}`)) : null;
}

export const shortId = (deviceId: string) => deviceId.slice(0, 6);

/** Safety number digits in groups of five, read in order by screen readers. */
export function safetyDigits(digits: string): HTMLElement {
  const groups = digits.match(/.{1,5}/g) ?? [];
  return h(
    'p',
    { class: 'safety-digits' },
    groups.map((g) => h('span', null, g)),
  );
}
