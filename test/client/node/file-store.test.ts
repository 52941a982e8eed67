import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStore } from '../../../client/node/file-store';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mindeulle-store-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('FileStore', () => {
  it('writes files of mode 600 in a directory of mode 700, atomically, and lists and clears them', async () => {
    const dir = path.join(root, 'plain');
    const store = new FileStore(dir);
    await store.put('group/a.b', new Uint8Array([1, 2, 3]));
    await store.put('group/a.b', new Uint8Array([4]));
    await store.put('other', new Uint8Array([5]));
    expect(await store.get('group/a.b')).toEqual(new Uint8Array([4]));
    expect(await store.get('missing')).toBeUndefined();
    expect((await store.keys('group/')).sort()).toEqual(['group/a.b']);
    expect((await readdir(dir)).some((n) => n.startsWith('.tmp-'))).toBe(false);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    for (const name of await readdir(dir)) expect((await stat(path.join(dir, name))).mode & 0o777).toBe(0o600);
    await store.delete('other');
    await store.delete('other');
    expect(await store.keys()).toEqual(['group/a.b']);
    await store.clear();
    expect(await store.keys()).toEqual([]);
  });
});
