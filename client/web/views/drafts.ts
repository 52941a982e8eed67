// Unsent text survives navigation and restarts, sealed in the app vault with
// the other settings (never in localStorage).
import type { AppContext } from '../ui/context';

const SAVE_AFTER_MS = 600;

export function draftKeeper(ctx: AppContext, groupId: string, input: HTMLTextAreaElement) {
  const session = ctx.session;
  input.value = session.isUnlocked ? (session.settings.drafts[groupId] ?? '') : '';
  let timer: ReturnType<typeof setTimeout> | null = null;
  const save = () => {
    timer = null;
    if (!session.isUnlocked) return;
    const drafts = { ...session.settings.drafts };
    if (input.value) drafts[groupId] = input.value;
    else delete drafts[groupId];
    void session.updateSettings({ drafts }).catch(() => {});
  };
  input.addEventListener('input', () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, SAVE_AFTER_MS);
  });
  return {
    flush() {
      if (timer) {
        clearTimeout(timer);
        save();
      }
    },
    clear() {
      if (timer) clearTimeout(timer);
      save();
    },
  };
}
