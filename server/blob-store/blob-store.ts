// Where the bytes of attachment blobs live, as createApp sees it: one
// implementation per runtime (node-files.ts: files under BLOB_DIR; Workers: R2).
// The database says which blobs exist and how far an upload got; a store only
// keeps bytes, and never shows an unfinished upload as a blob.

export interface BlobStore {
  /**
   * Writes part `index` of an unfinished upload (at index·partBytes) from a
   * streamed body, holding no more than a chunk in memory. Resolves with the
   * bytes written once they are durable; throws BlobPartTooLong as soon as
   * more than `maxBytes` arrive. Writing a part again replaces it.
   */
  writePart(
    id: string,
    index: number,
    partBytes: number,
    body: ReadableStream<Uint8Array>,
    maxBytes: number,
  ): Promise<number>;
  /** Makes the upload a blob of `size` bytes, durably and at once. Idempotent: an already completed blob stays. */
  complete(id: string, size: number): Promise<void>;
  /** The blob's bytes as a stream, or null if there is no such finished blob. */
  read(id: string): Promise<ReadableStream<Uint8Array> | null>;
  /** Deletes a blob or an unfinished upload; a missing one is no error. */
  delete(id: string): Promise<void>;
}

export class BlobPartTooLong extends Error {
  constructor() {
    super('the part is longer than it may be');
    this.name = 'BlobPartTooLong';
  }
}
