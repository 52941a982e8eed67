import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStore } from '../../../client/node/file-store';
import { SealedStore } from '../../../client/sdk/sealed-store';
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
});
