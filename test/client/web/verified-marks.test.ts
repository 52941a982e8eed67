import { afterEach, describe, expect, it } from 'vitest';
import type { ByteStore } from '../../../client/sdk/store';
import { AppVault } from '../../../client/web/storage/app-vault';
import { hasMark, type MarkStore, markState, setMark } from '../../../client/web/views/verified-marks';
import { MIN_PASSPHRASE_PARAMS } from '../../../shared/crypto/passphrase-key';

const PASS = '민들레 홀씨 되어 날아가';

/** The app vault over bytes held in memory (the browser's is IndexedDB). */
function bytes(): ByteStore & { all: Map<string, Uint8Array> } {
  const all = new Map<string, Uint8Array>();
  return {
    all,
    get: async (k) => all.get(k),
    put: async (k, v) => void all.set(k, v),
    delete: async (k) => void all.delete(k),
    keys: async (p = '') => [...all.keys()].filter((k) => k.startsWith(p)),
    clear: async () => all.clear(),
  };
}

const marks = (vault: AppVault): MarkStore => ({
  get settings() {
    return vault.settings;
  },
  updateSettings: (patch) => vault.update(patch),
});

async function reopen(store: ByteStore): Promise<AppVault> {
  const opened = await AppVault.open(store, PASS);
  if (opened.kind !== 'ok') throw new Error(opened.kind);
  return opened.vault;
}

let vault: AppVault | undefined;
afterEach(() => vault?.close());

describe('verified marks', () => {
  it('are sealed in the app vault and survive a lock; a changed safety number clears the mark', async () => {
    const store = bytes();
    vault = await AppVault.create(store, PASS, MIN_PASSPHRASE_PARAMS, {});
    await setMark(marks(vault), 'device-a', '12345');
    // nothing readable at rest
    for (const value of store.all.values()) expect(Buffer.from(value).toString('latin1')).not.toContain('device-a');
    vault.close();

    vault = await reopen(store);
    expect(hasMark(marks(vault), 'device-a')).toBe(true);
    expect(await markState(marks(vault), 'device-a', '12345')).toBe('verified');
    expect(await markState(marks(vault), 'device-b', '12345')).toBe('none');
    // her key (so her number) changed: the mark goes, and stays gone
    expect(await markState(marks(vault), 'device-a', '99999')).toBe('changed');
    vault.close();
    vault = await reopen(store);
    expect(await markState(marks(vault), 'device-a', '12345')).toBe('none');
  });
});
