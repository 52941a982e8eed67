// Urgent help in the web app. In a group's chat, "긴급 도움 요청" opens a short
// form whose suggestions send in one more tap (two taps in all); her request
// goes only to the group's facilitators and admins (client/sdk/urgent-help.ts)
// and she sees it move from "not sent yet" (offline) to "sent" to "seen by a
// facilitator", or, after the admin's wait with no answer, the help numbers
// the admin set (shown, never dialled). Facilitators and admins see open
// requests as an alert at the top of the group (and a badge in the group
// list) until one of them acknowledges it. Pushes stay content-free and look
// like any message's; the distinct notice is in the app, while unlocked.
import type { GroupView, MindeulleApi, UrgentRequestInfo } from '../../sdk/client-api';
import type { ClientEvent } from '../../sdk/events';
import type { AppContext, View } from '../ui/context';
import { h } from '../ui/dom';
import { alertBox, errorText, isOffline } from '../ui/widgets';

/** How often her own requests are looked at again (the admin's wait may pass). */
const TICK_MS = 1000;

const isUrgentEvent = (e: ClientEvent) => e.type === 'urgent-help' || e.type === 'urgent-ack';

/** Requests from others that nobody acknowledged yet (what a facilitator or admin must act on). */
export function openRequests(client: MindeulleApi, group: GroupView): UrgentRequestInfo[] {
  if (group.role === 'member' || group.removed || group.invitation) return [];
  return client.urgentRequests(group.groupId).filter((r) => !r.mine && !r.acknowledgedBy);
}

/** The group list's mark: how many urgent requests wait for an acknowledgement. */
export function urgentBadge(ctx: AppContext, group: GroupView): HTMLElement | null {
  const count = openRequests(ctx.session.client, group).length;
  return count
    ? h('span', { class: 'badge urgent', 'data-testid': 'urgent-badge' }, ctx.t('urgent.badge', { count }))
    : null;
}

const nameOf = (ctx: AppContext, group: GroupView, id: string | null) =>
  group.members.find((m) => m.deviceId === id)?.displayName ?? ctx.t('urgent.someone');

/** Facilitators and admins: the open requests, highlighted at the top of the group, each with its acknowledgement. */
export function urgentAlerts(ctx: AppContext, groupId: string): View {
  const client = ctx.session.client;
  const list = h('ul', { class: 'urgent-alerts', 'aria-label': ctx.t('urgent.open') });
  const alert = alertBox();
  let disposed = false;

  async function draw(): Promise<void> {
    const group = (await client.groups()).find((g) => g.groupId === groupId);
    if (disposed || !group) return;
    list.replaceChildren(
      ...openRequests(client, group).map((r) => {
        const ack = h('button', { type: 'button', class: 'primary' }, ctx.t('urgent.ack'));
        ack.addEventListener('click', () => {
          ack.disabled = true;
          client.acknowledgeHelp(groupId, r.requestId).then(
            () => void draw(),
            (err: unknown) => {
              ack.disabled = false;
              alert.show(errorText(ctx, err));
            },
          );
        });
        return h(
          'li',
          { class: 'urgent-alert', role: 'alert' },
          h('strong', null, ctx.t('urgent.from', { name: nameOf(ctx, group, r.sender) })),
          r.text ? h('p', { class: 'text' }, r.text) : null,
          ack,
        );
      }),
    );
    list.hidden = list.childElementCount === 0;
  }

  const unsubscribe = client.subscribe((e) => {
    if (!('groupId' in e) || e.groupId !== groupId || !isUrgentEvent(e)) return;
    if (e.type === 'urgent-help' && e.sender !== client.deviceId && !e.acknowledgedBy)
      ctx.announce(ctx.t('urgent.arrived'));
    void draw();
  });
  void draw();
  return {
    el: h('div', { class: 'urgent-top' }, alert.el, list),
    dispose: () => {
      disposed = true;
      unsubscribe();
    },
  };
}

type Pending = { state: 'queued' | 'sending' | 'failed'; at: number };

/** In the chat: the urgent action, its short form, and the state of her own requests. */
export function urgentRequest(ctx: AppContext, group: GroupView): View {
  const client = ctx.session.client;
  const gid = group.groupId;
  const status = h('ul', { class: 'urgent-mine', 'aria-live': 'polite' });
  /** requests written here and not stored yet, by a local key */
  const pending = new Map<string, Pending>();
  let nextLocal = 0;

  const open = h('button', { type: 'button', class: 'urgent-open', 'aria-expanded': 'false' }, ctx.t('urgent.open'));
  const words = h('input', { type: 'text', name: 'urgent-text', maxlength: 500, 'aria-label': ctx.t('urgent.text') });
  const suggestion = (key: 'urgent.suggestDanger' | 'urgent.suggestContact') =>
    h('button', { type: 'button', class: 'urgent-send', onclick: () => send(ctx.t(key)) }, ctx.t(key));
  const form = h(
    'form',
    { class: 'urgent-form stack', hidden: true },
    h('p', { class: 'hint' }, ctx.t('urgent.who')),
    h('div', { class: 'actions' }, suggestion('urgent.suggestDanger'), suggestion('urgent.suggestContact')),
    words,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'urgent-send' }, ctx.t('urgent.send')),
      h('button', { type: 'button', onclick: () => toggle(false) }, ctx.t('urgent.cancel')),
    ),
  );
  function toggle(show: boolean): void {
    form.hidden = !show;
    open.setAttribute('aria-expanded', String(show));
    if (show) words.focus();
  }
  open.addEventListener('click', () => toggle(form.hidden));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    send(words.value);
  });

  function send(text: string): void {
    const local = `local-${nextLocal++}`;
    pending.set(local, { state: 'sending', at: Date.now() });
    words.value = '';
    toggle(false);
    draw();
    const onHeld = () => {
      pending.set(local, { state: 'queued', at: Date.now() });
      draw();
    };
    client.requestHelp(gid, text.trim() || undefined, { onHeld }).then(
      () => {
        pending.delete(local);
        draw();
      },
      (err: unknown) => {
        pending.set(local, { state: isOffline(err) ? 'queued' : 'failed', at: Date.now() });
        draw();
      },
    );
  }

  function line(text: string, cls: string, extra?: HTMLElement): HTMLElement {
    return h('li', { class: `urgent-status ${cls}` }, h('span', null, text), extra ?? null);
  }

  function draw(): void {
    const { helpNumbers } = client.helpSettings(gid);
    const mine = client.urgentRequests(gid).filter((r) => r.mine);
    const stored = mine.map((r) => {
      if (r.acknowledgedBy) return line(ctx.t('urgent.seen'), 'seen');
      if (!r.overdue) return line(ctx.t('urgent.sent'), 'sent');
      if (!helpNumbers.length) return line(ctx.t('urgent.noAnswer'), 'no-answer');
      const numbers = h('strong', { class: 'help-numbers' }, helpNumbers.join(', '));
      return line(ctx.t('urgent.noAnswerCall'), 'no-answer', numbers);
    });
    const waiting = [...pending.values()].map((p) =>
      p.state === 'failed'
        ? line(ctx.t('urgent.failed'), 'failed')
        : line(ctx.t(p.state === 'queued' ? 'urgent.queued' : 'urgent.sending'), p.state),
    );
    // only the newest few: an old acknowledged request need not stay on screen
    status.replaceChildren(...[...stored, ...waiting].slice(-3));
  }

  // After a reload, a request still held on the device shows as not sent yet.
  void client.queued(gid).then((queued) => {
    for (const q of queued.filter((x) => x.urgent))
      pending.set(`held-${q.messageId}`, { state: 'queued', at: q.sentAt });
    draw();
  });
  const unsubscribe = client.subscribe((e) => {
    if (!('groupId' in e) || e.groupId !== gid) return;
    if (e.type === 'queue') {
      void client.queued(gid).then((queued) => {
        for (const key of [...pending.keys()])
          if (key.startsWith('held-') && !queued.some((q) => `held-${q.messageId}` === key)) pending.delete(key);
        draw();
      });
    }
    if (isUrgentEvent(e)) draw();
  });
  const tick = setInterval(draw, TICK_MS);
  draw();

  return {
    el: h('section', { class: 'urgent', 'aria-label': ctx.t('urgent.open') }, open, form, status),
    dispose: () => {
      clearInterval(tick);
      unsubscribe();
    },
  };
}
