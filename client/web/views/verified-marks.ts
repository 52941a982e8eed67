// The "verified" mark she sets after comparing a safety number in person. It
// is kept only in the app vault (sealed, never sent), by the other device's
// id, with the digits she compared: when that device's key and so its number
// change, the mark no longer matches and is cleared.
import type { AppSettings } from '../storage/app-settings';

/** Where the marks live: the unlocked session's sealed settings (WebSession). */
export interface MarkStore {
  readonly settings: Readonly<AppSettings>;
  updateSettings(patch: Partial<AppSettings>): Promise<void>;
}

export type MarkState = 'verified' | 'changed' | 'none';

/** Sets (digits) or removes (null) her mark for one device. */
export function setMark(store: MarkStore, deviceId: string, digits: string | null): Promise<void> {
  const verified = { ...store.settings.verified };
  if (digits === null) delete verified[deviceId];
  else verified[deviceId] = digits;
  return store.updateSettings({ verified });
}

/** Whether the number shown now is the one she marked; a mark for another number is cleared ('changed'). */
export async function markState(store: MarkStore, deviceId: string, digits: string): Promise<MarkState> {
  const marked = store.settings.verified[deviceId];
  if (marked === undefined) return 'none';
  if (marked === digits) return 'verified';
  await setMark(store, deviceId, null);
  return 'changed';
}

/** Only devices she marked cost a safety-number computation. */
export const hasMark = (store: MarkStore, deviceId: string) => store.settings.verified[deviceId] !== undefined;
