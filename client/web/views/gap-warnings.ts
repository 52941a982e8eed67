// A chat message shown with a gap warning (an earlier message from its sender
// is missing) loses the warning once the history says the missing one came:
// the SDK clears the flag in its history, and this re-reads it after each
// message or gap event, one read at a time.
import type { MindeulleApi } from '../../sdk/client-api';

export interface GapWarnings {
  /** a message drawn with the gap line */
  track(messageId: string, li: HTMLElement): void;
  /** a message or gap event arrived: the open gaps are read again */
  recheck(): void;
}

export function gapWarnings(client: MindeulleApi, groupId: string): GapWarnings {
  const gapped = new Map<string, HTMLElement>();
  let running: Promise<void> | null = null;
  let again = false;

  function recheck(): void {
    if (running) return void (again = true);
    if (gapped.size === 0) return;
    running = client
      .history(groupId, { kind: 'message' })
      .then((events) => {
        for (const e of events) {
          const li = gapped.get(e.messageId);
          if (!li || e.flags.gap) continue;
          li.querySelector('.warning[data-flag="gap"]')?.remove();
          gapped.delete(e.messageId);
        }
      })
      .catch(() => {})
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          recheck();
        }
      });
  }

  return { track: (messageId, li) => void gapped.set(messageId, li), recheck };
}
