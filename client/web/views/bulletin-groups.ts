// The bulletin composer's group picker: the same bulletin in more of her
// groups at once (sealed for each group separately by the SDK). Groups where
// she may not post bulletins are listed but cannot be chosen, with the reason,
// and the SDK refuses them again before anything is sent.
import type { GroupView } from '../../sdk/client-api';
import { mayPost } from '../../../shared/protocol/posting-rules';
import type { AppContext } from '../ui/context';
import { h } from '../ui/dom';

export interface GroupPicker {
  el: HTMLElement;
  /** the other groups she ticked */
  selected(): string[];
  clear(): void;
}

export function bulletinGroupPicker(ctx: AppContext, groupId: string): GroupPicker {
  const boxes: HTMLInputElement[] = [];
  const list = h('div', { class: 'stack group-picker' });
  const el = h('details', { class: 'also-groups', hidden: true }, h('summary', null, ctx.t('board.alsoGroups')), list);
  void ctx.session.client.groups().then((groups: GroupView[]) => {
    const others = groups.filter((g) => g.groupId !== groupId && !g.removed && !g.invitation);
    list.replaceChildren(
      ...others.map((g) => {
        const allowed = mayPost(g.role, 'bulletin', g);
        const box = h('input', { type: 'checkbox', name: 'also-group', value: g.groupId, disabled: !allowed });
        if (allowed) boxes.push(box);
        const name = g.name ?? ctx.t('group.unnamed');
        return h('label', { class: 'check' }, box, allowed ? name : ctx.t('board.alsoNotAllowed', { name }));
      }),
    );
    el.hidden = others.length === 0;
  });
  return {
    el,
    selected: () => boxes.filter((b) => b.checked).map((b) => b.value),
    clear: () => {
      for (const b of boxes) b.checked = false;
    },
  };
}
