// Sending and opening files (PROTOCOL.md section 17). sendFile encrypts a file
// under a fresh key as it uploads it in parts, then posts an ordinary E2EE
// `attachment` message with the descriptor; only this device keeps the blob's
// delete token, and deleting the message for everyone deletes the blob too.
// downloadAttachment checks and opens the blob and hands over the file only
// once all of it checked out: a changed, cut or swapped blob gives an
// AttachmentError and no bytes. Photos must be stripped of their metadata
// before they reach here (the CLI and web app do it; see their image modules).
import { fromB64, toB64 } from '../../shared/crypto/encoding';
import {
  type AttachmentDescriptor,
  AttachmentDecryption,
  AttachmentEncryption,
  attachmentDescriptorSchema,
} from '../../shared/protocol/attachment';
import { deleteUploadedBlob, downloadBlob, type TransferProgress, uploadBlob } from './blob-transfer';
import { type Core, requireGroup } from './core';
import { ClientError } from './errors';
import { postPlaintext } from './send';

/** Delete tokens of the blobs this device sent, by message id (sealed store document). */
const TOKENS_DOC = 'attachment-tokens';
type TokenBook = Record<string, { groupId: string; blobs: { blobId: string; deleteToken: string }[] }>;

export interface FileToSend {
  /** the file's bytes, or a Blob (read as a stream, so a large file is never held whole) */
  data: Uint8Array | Blob;
  name: string;
  /** media type, e.g. image/jpeg */
  type: string;
  /** images: dimensions and a small preview of the stripped image */
  image?: { width: number; height: number; thumbnail?: Uint8Array };
}

export interface FileProgress extends TransferProgress {
  phase: 'upload' | 'download';
}

export interface SendFileOptions {
  /** a caption sent with the file */
  text?: string;
  onProgress?: (p: FileProgress) => void;
  /** cancels: no further part is uploaded and no message is posted (sendFile rejects with the signal's reason) */
  signal?: AbortSignal;
}

export interface DownloadOptions {
  /** which of the message's attachments (by blob id); the first without one */
  blobId?: string;
  onProgress?: (p: FileProgress) => void;
  /** cancels: downloadAttachment rejects with the signal's reason and hands over no bytes */
  signal?: AbortSignal;
}

async function* readAll(data: Uint8Array | Blob): AsyncGenerator<Uint8Array> {
  if (data instanceof Uint8Array) {
    yield data;
    return;
  }
  const reader = data.stream().getReader();
  for (;;) {
    const next = await reader.read();
    if (next.done) return;
    yield next.value;
  }
}

export async function sendFile(
  core: Core,
  groupId: string,
  file: FileToSend,
  options: SendFileOptions = {},
): Promise<{ messageId: string; seq: number; attachment: AttachmentDescriptor }> {
  requireGroup(core, groupId);
  const size = file.data instanceof Uint8Array ? file.data.length : file.data.size;
  // Every try (a new login after a 401 starts over) encrypts afresh under a new key.
  let encryption: AttachmentEncryption | undefined;
  const blob = await core.session.call((api) => {
    encryption = new AttachmentEncryption(size);
    return uploadBlob(api, groupId, encryption.ciphertextBytes, encryption.chunks(readAll(file.data)), {
      onProgress: (p) => options.onProgress?.({ phase: 'upload', ...p }),
      signal: options.signal,
    });
  });
  options.signal?.throwIfAborted();
  const enc = encryption!;
  const attachment = attachmentDescriptorSchema.parse({
    id: blob.blobId,
    key: toB64(enc.key),
    hash: toB64(enc.hash),
    name: file.name,
    type: file.type,
    size,
    ...(file.image
      ? {
          image: {
            width: file.image.width,
            height: file.image.height,
            ...(file.image.thumbnail ? { thumbnail: toB64(file.image.thumbnail) } : {}),
          },
        }
      : {}),
  });
  const posted = await postPlaintext(core, groupId, 'message', {
    type: 'attachment',
    sentAt: core.now(),
    attachments: [attachment],
    ...(options.text ? { text: options.text } : {}),
  });
  const book = (await core.store.read<TokenBook>(TOKENS_DOC)) ?? {};
  book[posted.messageId] = { groupId, blobs: [blob] };
  await core.store.write(TOKENS_DOC, book);
  return { ...posted, attachment };
}

/** The attachments of a message this device holds (empty for any other message). */
export function attachmentsOf(core: Core, groupId: string, messageId: string): AttachmentDescriptor[] {
  const entry = requireGroup(core, groupId).history.find((e) => e.messageId === messageId);
  return entry?.content.type === 'attachment' ? entry.content.attachments : [];
}

/**
 * Fetches, checks and decrypts one attachment: by message id (its first, or
 * the one whose blob id is `blobId`) or by descriptor. Resolves with the file
 * only when every check passed.
 */
export async function downloadAttachment(
  core: Core,
  groupId: string,
  which: string | AttachmentDescriptor,
  options: DownloadOptions = {},
): Promise<{ bytes: Uint8Array; attachment: AttachmentDescriptor }> {
  requireGroup(core, groupId);
  const attachment =
    typeof which === 'string'
      ? attachmentsOf(core, groupId, which).find((a) => !options.blobId || a.id === options.blobId)
      : which;
  if (!attachment) throw new ClientError('unknown_message', 'no such attachment in this device’s history');
  const bytes = await core.session.call(async (api) => {
    const opening = new AttachmentDecryption({
      key: fromB64(attachment.key),
      hash: fromB64(attachment.hash),
      size: attachment.size,
    });
    await downloadBlob(
      api,
      groupId,
      attachment.id,
      (b) => opening.update(b),
      (p) => options.onProgress?.({ phase: 'download', ...p }),
      options.signal,
    );
    return opening.finish();
  });
  return { bytes, attachment };
}

/** After her message was deleted for everyone: its blobs go too (best effort; retention removes them anyway). */
export async function deleteSentBlobs(core: Core, messageId: string): Promise<void> {
  const book = (await core.store.read<TokenBook>(TOKENS_DOC)) ?? {};
  const sent = book[messageId];
  if (!sent) return;
  const left: typeof sent.blobs = [];
  for (const blob of sent.blobs)
    await core.session.call((api) => deleteUploadedBlob(api, sent.groupId, blob)).catch(() => left.push(blob));
  if (left.length > 0) book[messageId] = { ...sent, blobs: left };
  else delete book[messageId];
  await core.store.write(TOKENS_DOC, book);
}
