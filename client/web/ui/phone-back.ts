// The phone's Back inside the app, without any history entry. A history entry
// (pushState) would let Back, or Forward, lead from the quick-exit site into
// the app again (docs/WEB.md says what was tried). A CloseWatcher adds none:
// where the browser has it (Chromium, Android's Back gesture; Escape on a
// desktop), Back on a sub-screen goes to the screen above; elsewhere, and on
// a top screen, Back leaves the app as before.
interface CloseWatcherLike {
  onclose: (() => void) | null;
  destroy(): void;
}
type CloseWatcherConstructor = new () => CloseWatcherLike;

export interface PhoneBack {
  /** Back now runs `onBack` (null: Back leaves the app). */
  arm(onBack: (() => void) | null): void;
  disarm(): void;
}

export function phoneBack(): PhoneBack {
  const Watcher = (globalThis as { CloseWatcher?: CloseWatcherConstructor }).CloseWatcher;
  let watcher: CloseWatcherLike | null = null;
  const disarm = () => {
    const current = watcher;
    watcher = null;
    if (!current) return;
    current.onclose = null;
    current.destroy();
  };
  return {
    arm(onBack) {
      disarm();
      if (!Watcher || !onBack) return;
      try {
        watcher = new Watcher();
      } catch {
        return;
      }
      const mine = watcher;
      mine.onclose = () => {
        if (watcher !== mine) return;
        watcher = null;
        onBack();
      };
    },
    disarm,
  };
}
