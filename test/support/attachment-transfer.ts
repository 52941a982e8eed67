// Sends and receives an attachment as the SDK does (encrypted on the device,
// uploaded in parts, downloaded and decrypted), for the tests that need a real
// blob on a relay: what a message would carry is what `sendAttachment` returns.
import { downloadBlob, uploadBlob } from '../../client/sdk/blob-transfer';
import { RelayApi } from '../../client/sdk/relay-api';
import { randomBytes } from '../../shared/crypto/primitives';
import {
  AttachmentDecryption,
  AttachmentEncryption,
  attachmentCiphertextBytes,
  BLOB_PART_BYTES,
} from '../../shared/protocol/attachment';
import type { TestDevice } from './api-client';

export type SentAttachment = Awaited<ReturnType<typeof sendAttachment>>;

/** A RelayApi for the device on the relay at `url` (its current token). */
export function relayApiFor(
  url: string,
  device: TestDevice,
  fetcher?: ConstructorParameters<typeof RelayApi>[1],
): RelayApi {
  const api = new RelayApi(url, fetcher);
  api.token = device.token;
  return api;
}

async function* pieces(file: Uint8Array, size = 200_000) {
  for (let at = 0; at < file.length; at += size) yield file.subarray(at, at + size);
}

/** Encrypts and uploads a file as the SDK does; what a message would carry. */
export async function sendAttachment(
  api: RelayApi,
  groupId: string,
  file: Uint8Array,
  opts: Parameters<typeof uploadBlob>[4] = {},
) {
  const enc = new AttachmentEncryption(file.length);
  const blob = await uploadBlob(api, groupId, enc.ciphertextBytes, enc.chunks(pieces(file)), opts);
  return { blob, key: enc.key, hash: enc.hash, size: file.length };
}

/** Downloads and decrypts a sent file (checking its hash, as a recipient does). */
export async function receiveAttachment(api: RelayApi, groupId: string, sent: SentAttachment): Promise<Uint8Array> {
  const dec = new AttachmentDecryption(sent);
  await downloadBlob(api, groupId, sent.blob.blobId, (b) => dec.update(b));
  return dec.finish();
}

/** Starts an upload of a 3 MiB file and sends only its first 1 MiB part: an unfinished upload; returns its id. */
export async function startUnfinishedUpload(api: RelayApi, groupId: string): Promise<string> {
  const created = await api.sendRaw(`/v1/groups/${groupId}/blobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      size: attachmentCiphertextBytes(3 * BLOB_PART_BYTES),
      deleteToken: Buffer.from(randomBytes(32)).toString('base64url'),
    }),
  });
  const { blobId } = (await created.json()) as { blobId: string };
  const part = Buffer.from(randomBytes(BLOB_PART_BYTES));
  await api.sendRaw(`/v1/groups/${groupId}/blobs/${blobId}/parts/0`, { method: 'PUT', body: part });
  return blobId;
}
