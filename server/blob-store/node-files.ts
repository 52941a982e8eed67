// Blobs as files on the Node relay: an upload is written in place, part by
// part, to uploads/<id> and fsynced after each part; completing it fsyncs and
// renames it to blobs/<id> (then fsyncs the folder), so a crash never leaves a
// partial file where blobs are read from. Ids are checked before they touch a path.
import { constants } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { type BlobStore, BlobPartTooLong } from './blob-store';

const ID = /^[A-Za-z0-9_-]{16,64}$/;

function checkedId(id: string): string {
  if (!ID.test(id)) throw new Error('bad blob id');
  return id;
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** BLOB_DIR, else a `blobs` folder beside the database file. */
export function blobDirFrom(env: Record<string, string | undefined>, databasePath: string): string {
  return env.BLOB_DIR ?? path.join(path.dirname(databasePath), 'blobs');
}

export async function nodeFileBlobStore(root: string): Promise<BlobStore> {
  const uploads = path.join(root, 'uploads');
  const blobs = path.join(root, 'blobs');
  await mkdir(uploads, { recursive: true, mode: 0o700 });
  await mkdir(blobs, { recursive: true, mode: 0o700 });
  const uploadPath = (id: string) => path.join(uploads, checkedId(id));
  const blobPath = (id: string) => path.join(blobs, checkedId(id));

  return {
    async writePart(id, index, partBytes, body, maxBytes) {
      const handle = await open(uploadPath(id), constants.O_RDWR | constants.O_CREAT, 0o600);
      let written = 0;
      try {
        const reader = body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          if (written + value.length > maxBytes) {
            await reader.cancel();
            throw new BlobPartTooLong();
          }
          await handle.write(value, 0, value.length, index * partBytes + written);
          written += value.length;
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      return written;
    },

    async complete(id, size) {
      const from = uploadPath(id);
      const to = blobPath(id);
      const done = await stat(to).catch(() => null);
      if (done) return;
      const handle = await open(from, 'r+');
      try {
        await handle.truncate(size);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(from, to);
      await fsyncDir(blobs);
    },

    async read(id) {
      const handle = await open(blobPath(id), 'r').catch(() => null);
      if (!handle) return null;
      const stream = handle.createReadStream({ highWaterMark: 64 * 1024 });
      return Readable.toWeb(stream) as ReadableStream<Uint8Array>;
    },

    async delete(id) {
      await rm(uploadPath(id), { force: true });
      await rm(blobPath(id), { force: true });
    },
  };
}
