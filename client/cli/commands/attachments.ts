// send --file and download: files through the encrypted conversation. Photos
// are stripped of their metadata first (image-metadata.ts); a download is
// written to a temporary name beside the target and renamed only once the
// whole file checked out, so a changed or cut blob leaves no partial file.
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '../../sdk/client';
import { type Command, withGroup } from '../context';
import { stripImage, strippableImageType } from '../image-metadata';
import { CliError } from '../output';

const TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.heic': 'image/heic',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.hwp': 'application/x-hwp',
};

/** Reads, strips (images) and sends one file, with an optional caption. */
export async function sendFileFrom(client: Client, groupId: string, filePath: string, text: string) {
  const raw = new Uint8Array(
    await readFile(filePath).catch(() => {
      throw new CliError(`cannot read ${filePath}`);
    }),
  );
  const name = path.basename(filePath);
  const image = strippableImageType(raw);
  const stripped = image ? await stripImage(raw, image) : null;
  const type = stripped?.type ?? TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream';
  return client.sendFile(
    groupId,
    {
      data: stripped?.bytes ?? raw,
      name,
      type,
      ...(stripped ? { image: { width: stripped.width, height: stripped.height, thumbnail: stripped.thumbnail } } : {}),
    },
    text ? { text } : {},
  );
}

export const attachmentCommands: Command[] = [
  {
    words: ['download'],
    args: ['GROUP', 'ATTACHMENT'],
    options: { out: { type: 'string' } },
    usage: 'download GROUP ATTACHMENT --out PATH',
    async run(ctx, args, opts) {
      const out = typeof opts.out === 'string' ? opts.out : null;
      if (!out) throw new CliError('usage: mindeulle download GROUP ATTACHMENT --out PATH', 2);
      await withGroup(ctx, args.GROUP!, async (client, group) => {
        const holder = (await client.history(group.groupId)).find(
          (e) => e.content.type === 'attachment' && e.content.attachments.some((a) => a.id === args.ATTACHMENT),
        );
        if (!holder) throw new CliError('no such attachment in this group (see `mindeulle read GROUP --json`)');
        const { bytes, attachment } = await client.downloadAttachment(group.groupId, holder.messageId, {
          blobId: args.ATTACHMENT!,
        });
        const temp = path.join(path.dirname(out), `.${path.basename(out)}.${randomBytes(6).toString('hex')}.part`);
        try {
          await writeFile(temp, bytes, { mode: 0o600, flag: 'wx' });
          await rename(temp, out);
        } catch (e) {
          await rm(temp, { force: true });
          throw e;
        }
        ctx.out.result(
          { id: attachment.id, name: attachment.name, size: attachment.size, type: attachment.type, out },
          `Saved ${attachment.name} (${attachment.size} bytes) to ${out}.`,
        );
      });
    },
  },
];
