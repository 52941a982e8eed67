// A composer's "waiting for the group's new key" state: a member was removed
// and the new epoch's key has not reached this device, so the SDK refuses to
// send (it would seal in the epoch she holds keys for). The note stays up and
// sending stays off until the key arrives (a key-state event says so).
import type { GroupView } from '../../sdk/client-api';
import type { AppContext } from '../ui/context';
import { h } from '../ui/dom';

export interface KeyWait {
  el: HTMLElement;
  readonly waiting: boolean;
  /** after a send refused with waiting_for_key */
  set(waiting: boolean): void;
  dispose(): void;
}

export const isKeyWait = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === 'waiting_for_key';

export function keyWait(ctx: AppContext, group: GroupView, apply: (waiting: boolean) => void): KeyWait {
  const el = h('p', { class: 'warning key-wait', role: 'status' }, ctx.t('key.waiting'));
  let waiting = false;
  const set = (w: boolean) => {
    waiting = w;
    el.hidden = !w;
    apply(w);
  };
  set(group.waitingForKey);
  const dispose = ctx.session.client.subscribe((e) => {
    if (e.type === 'key-state' && e.groupId === group.groupId) set(e.waitingForKey);
  });
  return {
    el,
    get waiting() {
      return waiting;
    },
    set,
    dispose,
  };
}
