// Creating (or rotating to) an invite: role, uses, expiry and a label only
// admins see. Each new code is shown once, as text, link and QR code, and
// stays on screen (newest first) until she closes it or it can no longer be
// used (revoked, used up, expired). Rotating revokes every active invite, so
// it asks first.
import { GRANTABLE_ROLES, type GrantableRole } from '../../../shared/protocol/posting-rules';
import { MAX_INVITE_USES } from '../../../shared/schemas/invites';
import type { InviteInfo, InviteOptions } from '../../sdk/client-api';
import { inviteLink } from '../core/invite-link';
import type { AppContext } from '../ui/context';
import { append, field, h, select } from '../ui/dom';
import { qrSvg } from '../ui/qr';
import { alertBox, pressTwice, runBusy, savedNote } from '../ui/widgets';
import { isActive } from './invite-list';

const HOUR = 3600;
const EXPIRY_CHOICES = [HOUR, 24 * HOUR, 7 * 24 * HOUR, 30 * 24 * HOUR];
const DEFAULT_EXPIRY = 7 * 24 * HOUR;

export interface InviteForm {
  el: HTMLElement;
  /** Removes the codes on screen whose invite is no longer usable. */
  update(invites: InviteInfo[]): void;
}

export function inviteForm(ctx: AppContext, groupId: string, onChange: () => void): InviteForm {
  const client = ctx.session.client;
  const role = select(
    'invite-role',
    GRANTABLE_ROLES.map((r) => ({ value: r, label: ctx.t(`role.${r}`) })),
    'member',
  );
  const uses = h('input', {
    type: 'number',
    name: 'invite-uses',
    min: 1,
    max: MAX_INVITE_USES,
    value: 1,
    inputmode: 'numeric',
  });
  const expiry = select(
    'invite-expiry',
    EXPIRY_CHOICES.map((s) => ({
      value: s,
      label:
        s < 24 * HOUR ? ctx.t('invite.hours', { count: s / HOUR }) : ctx.t('invite.days', { count: s / (24 * HOUR) }),
    })),
    DEFAULT_EXPIRY,
  );
  const label = h('input', { name: 'invite-label', maxlength: 100, autocomplete: 'off' });
  const alert = alertBox();
  const result = h('div', { class: 'invite-result', 'aria-live': 'polite' });
  const create = h('button', { type: 'submit', class: 'primary' }, ctx.t('invite.create'));
  const rotate = pressTwice(
    ctx,
    alert,
    { label: ctx.t('invite.rotate'), confirm: ctx.t('invite.rotateConfirm') },
    async () => {
      const { code, revoked, groupHash, inviteId } = await client.rotateInvites(groupId, options());
      showCode(inviteId, code, groupHash, revoked);
      onChange();
    },
  );

  const options = (): InviteOptions => ({
    role: role.value as GrantableRole,
    maxUses: Math.max(1, Math.min(MAX_INVITE_USES, Math.floor(Number(uses.value)) || 1)),
    expiresInSeconds: Number(expiry.value),
    ...(label.value.trim() ? { label: label.value.trim() } : {}),
  });

  function showCode(inviteId: string, code: string, groupHash: string, revoked?: number): void {
    const link = inviteLink(window.location.origin, code, groupHash);
    const copy = h('button', { type: 'button', class: 'small' }, ctx.t('invite.copyLink'));
    const copied = savedNote(ctx);
    copy.addEventListener(
      'click',
      () => void navigator.clipboard?.writeText(link).then(() => copied.show(ctx.t('invite.copied'))),
    );
    const card = h('div', { class: 'invite-card', 'data-invite': inviteId });
    const dismiss = h(
      'button',
      { type: 'button', class: 'small', onclick: () => card.remove() },
      ctx.t('invite.dismiss'),
    );
    append(card, [
      h('h3', null, ctx.t('invite.newCode')),
      revoked !== undefined ? h('p', { class: 'hint' }, ctx.t('invite.revokedCount', { count: revoked })) : null,
      h('p', { class: 'invite-code', 'data-testid': 'invite-code' }, code),
      h('p', { class: 'invite-link' }, h('code', { 'data-testid': 'invite-link' }, link)),
      copy,
      copied.el,
      qrSvg(link, ctx.t('invite.qr')),
      h('p', { class: 'hint' }, ctx.t('invite.shownOnce')),
      dismiss,
    ]);
    result.prepend(card);
  }

  const form = h(
    'form',
    { class: 'stack invite-form', novalidate: true },
    field(ctx.t('invite.role'), role),
    field(ctx.t('invite.uses'), uses),
    field(ctx.t('invite.expiry'), expiry),
    field(ctx.t('invite.label'), label, ctx.t('invite.labelHint')),
    alert.el,
    h('div', { class: 'actions' }, create, rotate),
    result,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void runBusy(create, alert, ctx, async () => {
      const { code, groupHash, inviteId } = await client.createInvite(groupId, options());
      showCode(inviteId, code, groupHash);
      onChange();
    });
  });
  return {
    el: form,
    update(invites) {
      for (const card of [...result.querySelectorAll<HTMLElement>('.invite-card')]) {
        const invite = invites.find((i) => i.inviteId === card.dataset.invite);
        // one missing from a list fetched before it was made stays
        if (invite && !isActive(invite)) card.remove();
      }
    },
  };
}
