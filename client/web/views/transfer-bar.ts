// One bar per file on its way (encrypting and uploading, or downloading and
// checking): how far it got, a button that really stops it (the SDK's fetches
// and loops end on the abort signal), and after a stop or a failure the reason
// and a button to run it again from the start.
import { AttachmentError } from '../../../shared/protocol/attachment';
import type { FileProgress } from '../../sdk/attachments';
import type { AppContext } from '../ui/context';
import { h } from '../ui/dom';
import { errorText } from '../ui/widgets';

export type TransferJob<T> = (signal: AbortSignal, progress: (p: FileProgress) => void) => Promise<T>;

export interface Transfer {
  el: HTMLElement;
  /** Runs the job (again); its result goes to `done`, a stop or failure shows on the bar with "try again". */
  start(): Promise<void>;
  stop(): void;
}

/** The clear words for a file that did not check out (AttachmentError), else the usual error text. */
export function transferErrorText(ctx: AppContext, err: unknown): string {
  if (err instanceof AttachmentError)
    return ctx.t(
      err.code === 'truncated' || err.code === 'wrong_key' ? `attach.error.${err.code}` : 'attach.error.tampered',
    );
  return errorText(ctx, err);
}

export function transferBar<T>(
  ctx: AppContext,
  name: string,
  job: TransferJob<T>,
  phase: FileProgress['phase'],
  hooks: { done(result: T): void; failed?(err: unknown): void; stopped?(): void },
): Transfer {
  const label = h('span', { class: 'transfer-label' });
  const bar = h('progress', { max: 100, 'aria-label': ctx.t('attach.progress', { name }) });
  const reason = h('p', { class: 'transfer-error', role: 'alert', hidden: true });
  const cancel = h(
    'button',
    { type: 'button', class: 'small', 'data-testid': 'transfer-cancel' },
    ctx.t('attach.cancel'),
  );
  const retry = h(
    'button',
    { type: 'button', class: 'small', 'data-testid': 'transfer-retry', hidden: true },
    ctx.t('attach.retry'),
  );
  const el = h('div', { class: 'transfer', 'data-testid': 'transfer' }, label, bar, cancel, retry, reason);
  let running: AbortController | null = null;

  function show(p: FileProgress): void {
    const percent = p.total > 0 ? Math.min(100, Math.floor((p.done / p.total) * 100)) : 0;
    bar.value = percent;
    label.textContent = ctx.t(p.phase === 'upload' ? 'attach.uploading' : 'attach.downloading', { percent });
  }

  async function start(): Promise<void> {
    const control = new AbortController();
    running = control;
    el.dataset.state = 'running';
    reason.hidden = true;
    retry.hidden = true;
    cancel.hidden = false;
    bar.hidden = false;
    bar.removeAttribute('value'); // indeterminate until the first part is through
    label.textContent = ctx.t(phase === 'upload' ? 'attach.uploading' : 'attach.downloading', { percent: 0 });
    try {
      const result = await job(control.signal, show);
      if (control.signal.aborted) throw control.signal.reason;
      running = null;
      el.dataset.state = 'done';
      hooks.done(result);
    } catch (err) {
      if (running !== control) return;
      running = null;
      cancel.hidden = true;
      bar.hidden = true;
      retry.hidden = false;
      if (control.signal.aborted) {
        el.dataset.state = 'stopped';
        label.textContent = ctx.t('attach.stopped', { name });
        hooks.stopped?.();
      } else {
        el.dataset.state = 'failed';
        label.textContent = '';
        reason.textContent = transferErrorText(ctx, err);
        reason.hidden = false;
        hooks.failed?.(err);
      }
    }
  }

  const stop = () => running?.abort();
  cancel.addEventListener('click', stop);
  retry.addEventListener('click', () => void start());
  return { el, start, stop };
}
