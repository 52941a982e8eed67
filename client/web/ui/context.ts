// What every view gets: the session, translation, navigation and a polite
// live region for screen readers.
import type { WebSession } from '../core/session';
import type { MessageKey, Params } from '../i18n';
import type { Route } from './routes';

export interface AppContext {
  session: WebSession;
  t: (key: MessageKey, params?: Params) => string;
  navigate(route: Route): void;
  /** Re-renders the current screen (after a language change). */
  refresh(): void;
  announce(text: string): void;
  /** The screen above this one (set by its header's back button): where the phone's Back goes. */
  offerBack?(route: Route): void;
  /** An invite code that arrived in the link's fragment, until it is used. */
  pendingInviteCode: string | null;
  /** The group's genesis hash from the same link: the joined group must start with it (null: a code typed by hand). */
  pendingGroupHash: string | null;
}

export interface View {
  el: HTMLElement;
  /** Unsubscribes listeners and timers when the screen changes. */
  dispose?: () => void;
}

export type ViewFactory<R extends Route = Route> = (ctx: AppContext, route: R) => View;
