// A new group: its name (encrypted; the server never sees it) and retention
// (30 days unless she chooses otherwise).
// The creator is its admin and lands on the admin panel to invite people.
import { DEFAULT_RETENTION_SECONDS } from '../../sdk/client-api';
import type { ViewFactory } from '../ui/context';
import { field, h } from '../ui/dom';
import { alertBox, runBusy, screenHeader } from '../ui/widgets';
import { retentionSelect } from './retention';

export const newGroupView: ViewFactory = (ctx) => {
  const name = h('input', { name: 'group-name', required: true, maxlength: 100, autocomplete: 'off' });
  const retention = retentionSelect(ctx, DEFAULT_RETENTION_SECONDS);
  const alert = alertBox();
  const submit = h('button', { type: 'submit', class: 'primary' }, ctx.t('newGroup.submit'));
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    field(ctx.t('newGroup.name'), name, ctx.t('newGroup.nameHint')),
    field(ctx.t('admin.retention'), retention.el),
    alert.el,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!name.value.trim()) return alert.show(ctx.t('newGroup.nameMissing'));
    void runBusy(submit, alert, ctx, async () => {
      const groupId = await ctx.session.client.createGroup(name.value.trim(), { retentionSeconds: retention.value() });
      ctx.navigate({ name: 'group', groupId, tab: 'admin' });
    });
  });
  return {
    el: h(
      'section',
      { class: 'screen new-group' },
      screenHeader(ctx, ctx.t('newGroup.title'), { name: 'groups' }),
      form,
    ),
  };
};
