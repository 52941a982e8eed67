import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStore } from '../../../client/node/file-store';
import { SealedStore } from '../../../client/sdk/sealed-store';
import type { ByteStore } from '../../../client/sdk/store';
import { MIN_PASSPHRASE_PARAMS } from '../../../shared/crypto/passphrase-key';
import { cryptoReady } from '../../../shared/crypto/sodium';

let root: string;
beforeAll(async () => {
  await cryptoReady();
  root = await mkdtemp(path.join(os.tmpdir(), 'mindeulle-sealed-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('SealedStore over files', () => {
  it('keeps neither contents nor document names readable, and refuses a wrong passphrase', async () => {
    const dir = path.join(root, 'sealed');
    const store = await SealedStore.create(new FileStore(dir), 'correct horse', MIN_PASSPHRASE_PARAMS);
    await store.write('history/GROUPID-canary-0001', { text: 'CANARY-텍스트-7731' });
    for (const name of await readdir(dir)) {
      expect(name).not.toContain('GROUPID');
      const bytes = await readFile(path.join(dir, name));
      expect(bytes.includes(Buffer.from('CANARY'))).toBe(false);
      expect(bytes.includes(Buffer.from('GROUPID'))).toBe(false);
    }
    await expect(SealedStore.open(new FileStore(dir), 'wrong horse')).rejects.toMatchObject({
      code: 'wrong_passphrase',
    });
    await expect(SealedStore.create(new FileStore(dir), 'correct horse', MIN_PASSPHRASE_PARAMS)).rejects.toMatchObject({
      code: 'store_exists',
    });
    const again = await SealedStore.open(new FileStore(dir), 'correct horse');
    expect(await again.list('history/')).toEqual(['history/GROUPID-canary-0001']);
    expect(await again.read('history/GROUPID-canary-0001')).toEqual({ text: 'CANARY-텍스트-7731' });
    await again.remove('history/GROUPID-canary-0001');
    expect(await again.list('')).toEqual([]);
  });

  it('a blob moved to another document name does not open', async () => {
    const bytes = new FileStore(path.join(root, 'swap'));
    const store = await SealedStore.create(bytes, 'pw', MIN_PASSPHRASE_PARAMS);
    await store.write('a', 1);
    await store.write('b', 2);
    const names = (await bytes.keys()).filter((k) => k.startsWith('d-'));
    const [x, y] = await Promise.all(names.map((n) => bytes.get(n)));
    await bytes.put(names[0]!, y!);
    await bytes.put(names[1]!, x!);
    await expect(store.read('a')).rejects.toMatchObject({ code: 'wrong_key' });
  });

  it('changing the passphrase re-seals every document: the old one then opens nothing, the new one everything', async () => {
    const bytes = new FileStore(path.join(root, 'change'));
    const store = await SealedStore.create(bytes, 'old horse', MIN_PASSPHRASE_PARAMS);
    await store.write('identity', { name: '민들레' });
    await store.write('history/g1', ['안녕']);
    const before = new Set(await bytes.keys());
    await expect(store.changePassphrase('not the one', 'new horse')).rejects.toMatchObject({
      code: 'wrong_passphrase',
    });
    await store.changePassphrase('old horse', 'new horse');
    await store.write('draft/g1', '쓰는 중');
    expect(await store.read('identity')).toEqual({ name: '민들레' });
    // every old blob is gone: nothing left that the old key (and salt) could open
    const after = await bytes.keys();
    expect(after.filter((k) => k !== 'kdf-header' && before.has(k))).toEqual([]);
    await expect(SealedStore.open(bytes, 'old horse')).rejects.toMatchObject({ code: 'wrong_passphrase' });
    const again = await SealedStore.open(bytes, 'new horse');
    expect((await again.list('')).sort()).toEqual(['draft/g1', 'history/g1', 'identity']);
    expect(await again.read('history/g1')).toEqual(['안녕']);
    expect(await again.read('draft/g1')).toBe('쓰는 중');
  });

  it('a change cut short keeps one whole store: the old passphrase before the switch, the new one after; the next open clears the rest', async () => {
    for (const dieAt of ['copy', 'delete'] as const) {
      const files = new FileStore(path.join(root, `cut-${dieAt}`));
      let dying = false;
      const bytes: ByteStore = {
        get: (k) => files.get(k),
        keys: (p) => files.keys(p),
        clear: () => files.clear(),
        put: (k, v) =>
          dying && dieAt === 'copy' && k.startsWith('d-') ? Promise.reject(new Error('page died')) : files.put(k, v),
        delete: (k) => (dying && dieAt === 'delete' ? Promise.reject(new Error('page died')) : files.delete(k)),
      };
      const store = await SealedStore.create(bytes, 'old horse', MIN_PASSPHRASE_PARAMS);
      await store.write('a', 1);
      await store.write('b', 2);
      const before = (await files.keys()).sort();
      dying = true;
      await expect(store.changePassphrase('old horse', 'new horse')).rejects.toThrow('page died');
      dying = false;
      const [works, refused] = dieAt === 'copy' ? ['old horse', 'new horse'] : ['new horse', 'old horse'];
      await expect(SealedStore.open(files, refused)).rejects.toMatchObject({ code: 'wrong_passphrase' });
      const reopened = await SealedStore.open(files, works);
      expect([await reopened.read('a'), await reopened.read('b')]).toEqual([1, 2]);
      const left = (await files.keys()).sort();
      expect(left).toHaveLength(before.length);
      if (dieAt === 'copy') expect(left).toEqual(before);
      else expect(left.filter((k) => k !== 'kdf-header' && before.includes(k))).toEqual([]);
    }
  });
});
