// The invite code (prefilled from a link) and an optional introduction for the admins.
import { parseInvite } from '../core/invite-link';
import type { AppContext } from './context';
import { field, h } from './dom';

export interface InviteFields {
  el: HTMLElement;
  /** the formatted code, or null if what was typed cannot be one */
  code(): string | null;
  /** the group's genesis hash from a pasted link, or from the link that opened the app (its code still in the field) */
  groupHash(): string | null;
  introduction(): string | undefined;
}

export function inviteFields(ctx: AppContext): InviteFields {
  const code = h('input', {
    name: 'invite-code',
    autocomplete: 'off',
    autocapitalize: 'characters',
    spellcheck: 'false',
    required: true,
    value: ctx.pendingInviteCode ?? '',
  });
  const intro = h('textarea', { name: 'introduction', rows: 2, maxlength: 500 });
  return {
    el: h(
      'div',
      { class: 'invite-fields' },
      field(ctx.t('join.code'), code, ctx.t('join.codeHint')),
      field(ctx.t('join.introduction'), intro, ctx.t('join.introductionHint')),
    ),
    code: () => parseInvite(code.value)?.code ?? null,
    groupHash: () => {
      const typed = parseInvite(code.value);
      if (!typed) return null;
      return typed.groupHash ?? (typed.code === ctx.pendingInviteCode ? ctx.pendingGroupHash : null);
    },
    introduction: () => intro.value.trim() || undefined,
  };
}
