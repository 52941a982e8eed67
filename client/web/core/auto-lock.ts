// Locks the app after a period without input. Checked on a coarse timer and
// whenever the page becomes visible again (background tabs throttle timers).
const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'touchstart', 'wheel', 'input'] as const;
const CHECK_MS = 10_000;

export function startAutoLock(timeoutMs: () => number, onLock: () => void, target: Window = window): () => void {
  let last = Date.now();
  const touch = () => (last = Date.now());
  const check = () => {
    if (Date.now() - last >= timeoutMs()) {
      stop();
      onLock();
    }
  };
  const onVisible = () => document.visibilityState === 'visible' && check();
  for (const e of ACTIVITY_EVENTS) target.addEventListener(e, touch, { capture: true, passive: true });
  document.addEventListener('visibilitychange', onVisible);
  const timer = setInterval(check, CHECK_MS);
  function stop() {
    clearInterval(timer);
    for (const e of ACTIVITY_EVENTS) target.removeEventListener(e, touch, { capture: true });
    document.removeEventListener('visibilitychange', onVisible);
  }
  return stop;
}
