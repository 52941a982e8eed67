// The Node ByteStore: one file per key in a directory of mode 700, files of
// mode 600, each write atomic (temporary file, fsync, rename).
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { ByteStore } from '../sdk/store';

const TMP_PREFIX = '.tmp-';

/** Keys become file names: anything outside [A-Za-z0-9_-] is %-escaped (dots too). */
const fileName = (key: string): string =>
  encodeURIComponent(key).replace(/[.!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export class FileStore implements ByteStore {
  private ready: Promise<void> | null = null;

  constructor(readonly dir: string) {}

  private ensureDir(): Promise<void> {
    this.ready ??= mkdir(this.dir, { recursive: true, mode: 0o700 }).then(() => undefined);
    return this.ready;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(path.join(this.dir, fileName(key))));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    await this.ensureDir();
    const tmp = path.join(this.dir, TMP_PREFIX + randomBytes(8).toString('hex'));
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(value);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path.join(this.dir, fileName(key)));
  }

  async delete(key: string): Promise<void> {
    await unlink(path.join(this.dir, fileName(key))).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }

  async keys(prefix = ''): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return names
      .filter((n) => !n.startsWith(TMP_PREFIX))
      .map((n) => decodeURIComponent(n))
      .filter((k) => k.startsWith(prefix));
  }

  async clear(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    this.ready = null;
  }
}
