// Moves encrypted blobs to and from the relay (PROTOCOL.md section 17). An
// upload goes in 1 MiB parts, each stored durably before the next; when the
// connection drops, it asks the relay how far it got and goes on from there
// (at most one part is sent again), so a 20 MB photo on a bad line never
// restarts from zero. It holds one part in memory, never the whole blob.
import { toB64 } from '../../shared/crypto/encoding';
import { randomBytes } from '../../shared/crypto/primitives';
import { blobUploadResponse } from '../../shared/schemas/blobs';
import { backoffDelay, sleep } from './backoff';
import { type RelayApi, RelayError } from './relay-api';

export interface TransferProgress {
  /** bytes of the encrypted blob stored (upload) or received (download) */
  done: number;
  total: number;
}

export interface UploadOptions {
  onProgress?: (p: TransferProgress) => void;
  /** tries per part before the upload fails (a network error or a 5xx each count one) */
  attempts?: number;
  backoff?: { minMs: number; maxMs: number };
  /** stops the upload: no further part is sent and the call rejects with the signal's reason */
  signal?: AbortSignal;
}

export interface UploadedBlob {
  blobId: string;
  /** only the uploader holds it: it deletes the blob when its message is deleted for everyone */
  deleteToken: string;
}

const DEFAULT_ATTEMPTS = 8;
const DEFAULT_BACKOFF = { minMs: 250, maxMs: 10_000 };

/** Worth trying again: the network, a timeout, or the relay's own trouble (not a refusal). */
function retryable(err: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return false;
  if (err instanceof RelayError) return err.status >= 500 || err.status === 429;
  return true;
}

async function* parts(source: AsyncIterable<Uint8Array>, partBytes: number): AsyncGenerator<Uint8Array> {
  let part = new Uint8Array(partBytes);
  let filled = 0;
  for await (const piece of source) {
    let at = 0;
    while (at < piece.length) {
      const take = Math.min(partBytes - filled, piece.length - at);
      part.set(piece.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === partBytes) {
        yield part;
        part = new Uint8Array(partBytes);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield part.subarray(0, filled);
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** Uploads `size` bytes of ciphertext read from `source` into the group's blob store. */
export async function uploadBlob(
  api: RelayApi,
  groupId: string,
  size: number,
  source: AsyncIterable<Uint8Array>,
  opts: UploadOptions = {},
): Promise<UploadedBlob> {
  const base = `/v1/groups/${groupId}/blobs`;
  const deleteToken = toB64(randomBytes(32));
  const signal = opts.signal;
  signal?.throwIfAborted();
  const created = blobUploadResponse.parse(
    await (await api.sendRaw(base, { ...json({ size, deleteToken }), signal })).json(),
  );
  const { blobId, partBytes } = created;
  const at = `${base}/${blobId}`;
  const attempts = opts.attempts ?? DEFAULT_ATTEMPTS;
  let received = 0;
  let index = 0;
  for await (const part of parts(source, partBytes)) {
    signal?.throwIfAborted();
    const end = index * partBytes + part.length;
    for (let attempt = 1; received < end; attempt++) {
      try {
        const res = await api.sendRaw(`${at}/parts/${index}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/octet-stream' },
          body: part as Uint8Array<ArrayBuffer>,
          signal,
        });
        received = blobUploadResponse.parse(await res.json()).received;
      } catch (err) {
        if (!retryable(err, signal) || attempt >= attempts) throw err;
        await sleep(backoffDelay(attempt - 1, opts.backoff ?? DEFAULT_BACKOFF));
        signal?.throwIfAborted();
        // The part may have been stored before the answer was lost: ask how far it got.
        received = await uploadedSoFar(api, at).catch(() => received);
      }
    }
    opts.onProgress?.({ done: received, total: size });
    index += 1;
  }
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      await api.sendRaw(`${at}/complete`, { method: 'POST', signal });
      return { blobId, deleteToken };
    } catch (err) {
      if (!retryable(err, signal) || attempt >= attempts) throw err;
      await sleep(backoffDelay(attempt - 1, opts.backoff ?? DEFAULT_BACKOFF));
    }
  }
}

async function uploadedSoFar(api: RelayApi, at: string): Promise<number> {
  const res = await api.sendRaw(`${at}/upload`, { method: 'GET' });
  return blobUploadResponse.parse(await res.json()).received;
}

/** Streams a blob's bytes to `sink` as they arrive; the caller decides what a finished (or broken-off) stream means. */
export async function downloadBlob(
  api: RelayApi,
  groupId: string,
  blobId: string,
  sink: (bytes: Uint8Array) => void,
  onProgress?: (p: TransferProgress) => void,
  /** stops the download: the call rejects with the signal's reason (never a quiet end) */
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
  const res = await api.sendRaw(`/v1/groups/${groupId}/blobs/${blobId}`, { method: 'GET', signal });
  const total = Number(res.headers.get('content-length') ?? 0);
  if (!res.body) return;
  const reader = res.body.getReader();
  let done = 0;
  for (;;) {
    // A body that breaks off (a dropped connection, or a blob cut short on the
    // relay) simply ends here: the caller's length and hash checks name it.
    const next = await reader.read().catch(() => ({ done: true as const, value: undefined }));
    signal?.throwIfAborted();
    if (next.done) return;
    sink(next.value);
    done += next.value.length;
    onProgress?.({ done, total });
  }
}

/** Deletes a blob this device uploaded (its message was deleted for everyone). */
export async function deleteUploadedBlob(api: RelayApi, groupId: string, blob: UploadedBlob): Promise<void> {
  await api.sendRaw(`/v1/groups/${groupId}/blobs/${blob.blobId}`, {
    method: 'DELETE',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ deleteToken: blob.deleteToken }),
  });
}
