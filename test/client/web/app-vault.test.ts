// The app vault's passphrase change and duress slot, over an in-memory byte
// store (the browser suite runs the same through IndexedDB and the SDK).
import { beforeAll, describe, expect, it } from 'vitest';
import type { ByteStore } from '../../../client/sdk/store';
import { AppVault, type VaultOpening } from '../../../client/web/storage/app-vault';
import { MIN_PASSPHRASE_PARAMS } from '../../../shared/crypto/passphrase-key';
import { cryptoReady } from '../../../shared/crypto/sodium';

function memoryStore(): ByteStore {
  const map = new Map<string, Uint8Array>();
  return {
    get: async (k) => map.get(k)?.slice(),
    put: async (k, v) => void map.set(k, v.slice()),
    delete: async (k) => void map.delete(k),
    keys: async (p = '') => [...map.keys()].filter((k) => k.startsWith(p)),
    clear: async () => map.clear(),
  };
}

const OLD = '처음 정한 암호 하나';
const NEW = '새로 바꾼 암호 둘';
const DURESS = '비상 암호 셋 넷';
const kind = (o: VaultOpening) => o.kind;

async function opened(store: ByteStore, passphrase: string): Promise<AppVault> {
  const o = await AppVault.open(store, passphrase);
  if (o.kind !== 'ok') throw new Error(`expected ok, got ${o.kind}`);
  await o.vault.settle();
  return o.vault;
}

beforeAll(() => cryptoReady());

describe('the app vault', () => {
  it('after a passphrase change the old one is wrong, the new one opens the same settings, the duress one still wipes', async () => {
    const store = memoryStore();
    const vault = await AppVault.create(store, OLD, MIN_PASSPHRASE_PARAMS, { lockMinutes: 15 });
    expect(vault.settings.duressSet).toBe(false);
    expect(await vault.setDuress(DURESS)).toBe('ok');
    expect(vault.settings.duressSet).toBe(true);
    await vault.update({ drafts: { g: '쓰다 만 글' } });
    expect(await vault.stageChange('not it', NEW)).toBe('wrong');
    expect(await vault.stageChange(OLD, DURESS)).toBe('same-as-duress');
    expect(await vault.stageChange(OLD, NEW)).toBe('ok');
    await vault.commitChange();
    expect(await store.keys()).not.toContain('settings.next');
    expect(kind(await AppVault.open(store, OLD))).toBe('wrong');
    expect(kind(await AppVault.open(store, DURESS))).toBe('duress');
    const again = await opened(store, NEW);
    expect(again.settings).toMatchObject({ lockMinutes: 15, drafts: { g: '쓰다 만 글' }, duressSet: true });
    // the duress passphrase must still differ from the (new) passphrase
    expect(await again.setDuress(NEW)).toBe('same-as-passphrase');
  });

  it('a change the page died in: before the SDK switched the old passphrase still opens; after, the new one, and settling makes it final', async () => {
    const store = memoryStore();
    const vault = await AppVault.create(store, OLD, MIN_PASSPHRASE_PARAMS, {});
    expect(await vault.stageChange(OLD, NEW)).toBe('ok');
    // the page dies here: nothing committed
    const withOld = await AppVault.open(store, OLD);
    expect(withOld).toMatchObject({ kind: 'ok', staged: false });
    const withNew = await AppVault.open(store, NEW);
    expect(withNew).toMatchObject({ kind: 'ok', staged: true });
    // the SDK store had switched (it opened with NEW): the session settles the staged change
    if (withNew.kind === 'ok') await withNew.vault.settle();
    expect(kind(await AppVault.open(store, OLD))).toBe('wrong');
    expect(await AppVault.open(store, NEW)).toMatchObject({ kind: 'ok', staged: false });
    expect(await store.keys()).not.toContain('settings.next');
  });
});
