// Joining another group once the app is set up: the code files a join request.
import type { ViewFactory } from '../ui/context';
import { h } from '../ui/dom';
import { inviteFields } from '../ui/invite-fields';
import { alertBox, runBusy, screenHeader } from '../ui/widgets';

export const joinView: ViewFactory = (ctx) => {
  const invite = inviteFields(ctx);
  const alert = alertBox();
  const submit = h('button', { type: 'submit', class: 'primary' }, ctx.t('join.submit'));
  const form = h('form', { class: 'stack', novalidate: true }, invite.el, alert.el, submit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const code = invite.code();
    if (!code) return alert.show(ctx.t('join.badCode'));
    void runBusy(submit, alert, ctx, async () => {
      const { groupId } = await ctx.session.client.join(code, invite.introduction(), invite.groupHash());
      ctx.pendingInviteCode = null;
      ctx.pendingGroupHash = null;
      ctx.navigate({ name: 'waiting', groupId });
    });
  });
  return {
    el: h('section', { class: 'screen join' }, screenHeader(ctx, ctx.t('join.title'), { name: 'groups' }), form),
  };
};
