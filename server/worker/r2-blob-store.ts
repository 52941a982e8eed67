// Blobs in R2 on Workers (the BlobStore of server/blob-store/blob-store.ts).
// R2's multipart uploads take parts of 5 MiB and more, and the relay's are
// 1 MiB, so each part is its own object, parts/<id>/<n>; completing an upload
// writes blobs/<id>, a small record of the part count and size, and only a
// blob with that record is read (its parts streamed in order). Lives here and
// not in server/blob-store/ because only this folder is typed for Workers.
import { concatBytes } from '../../shared/crypto/encoding';
import { type BlobStore, BlobPartTooLong } from '../blob-store/blob-store';
import {
  type R2BlobRecord,
  r2PartKey as partKey,
  r2PartsPrefix,
  r2Record,
  r2RecordKey as recordKey,
} from '../blob-store/r2-layout';

/** Reads a part (at most maxBytes: one part is 1 MiB) before it is stored. */
async function readPart(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.length;
    if (length > maxBytes) {
      await reader.cancel();
      throw new BlobPartTooLong();
    }
    chunks.push(value);
  }
  return concatBytes(...chunks);
}

export function r2BlobStore(bucket: R2Bucket): BlobStore {
  return {
    async writePart(id, index, _partBytes, body, maxBytes) {
      const bytes = await readPart(body, maxBytes);
      await bucket.put(partKey(id, index), bytes);
      return bytes.length;
    },

    async complete(id, size) {
      if (await bucket.head(recordKey(id))) return;
      await bucket.put(recordKey(id), JSON.stringify(r2Record(size)));
    },

    async read(id) {
      const record = await bucket.get(recordKey(id));
      if (!record) return null;
      const { parts } = (await record.json()) as R2BlobRecord;
      let index = 0;
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (index >= parts) return controller.close();
          const part = await bucket.get(partKey(id, index));
          index += 1;
          if (!part) return controller.error(new Error('blob part missing'));
          controller.enqueue(new Uint8Array(await part.arrayBuffer()));
        },
      });
    },

    async delete(id) {
      const keys = [recordKey(id)];
      let cursor: string | undefined;
      do {
        const listed = await bucket.list({ prefix: r2PartsPrefix(id), ...(cursor ? { cursor } : {}) });
        keys.push(...listed.objects.map((o) => o.key));
        cursor = listed.truncated ? listed.cursor : undefined;
      } while (cursor);
      for (let at = 0; at < keys.length; at += 1000) await bucket.delete(keys.slice(at, at + 1000));
    },
  };
}
