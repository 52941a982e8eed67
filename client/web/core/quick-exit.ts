// Quick exit: the always-visible button, or Escape pressed twice, hides the app
// at once. location.replace swaps this history entry for a neutral website, so
// Back does not return to the app; the app is locked before the page goes.
/** An everyday page (Korean weather) that draws no attention on a shared screen. */
export const NEUTRAL_URL = 'https://weather.naver.com/';
const DOUBLE_ESCAPE_MS = 1000;

export function quickExit(lock: () => void): void {
  try {
    lock();
  } finally {
    document.title = '';
    document.body.replaceChildren();
    window.location.replace(NEUTRAL_URL);
  }
}

/** Escape twice within a second. Returns a function that removes the listener. */
export function listenForDoubleEscape(onExit: () => void, target: Window = window): () => void {
  let last = -Infinity;
  const onKey = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    const now = performance.now();
    if (now - last <= DOUBLE_ESCAPE_MS) onExit();
    last = now;
  };
  target.addEventListener('keydown', onKey, true);
  return () => target.removeEventListener('keydown', onKey, true);
}
