// First run: start a new identity (and then a group), or join with an invite code.
import type { ViewFactory } from '../ui/context';
import { h } from '../ui/dom';
import { screenHeader } from '../ui/widgets';
import { languagePicker } from './language-picker';

export const welcomeView: ViewFactory = (ctx) => ({
  el: h(
    'section',
    { class: 'screen welcome' },
    screenHeader(ctx, ctx.t('welcome.title')),
    // At the top: someone who cannot read the words below finds her language first.
    languagePicker(ctx),
    h('p', { class: 'lead' }, ctx.t('welcome.intro')),
    h(
      'div',
      { class: 'actions stacked' },
      h(
        'button',
        { type: 'button', class: 'primary', onclick: () => ctx.navigate({ name: 'setup', mode: 'join' }) },
        ctx.t('welcome.join'),
      ),
      h(
        'button',
        { type: 'button', onclick: () => ctx.navigate({ name: 'setup', mode: 'create' }) },
        ctx.t('welcome.create'),
      ),
    ),
    h('p', { class: 'hint' }, ctx.t('welcome.privacy')),
  ),
});
