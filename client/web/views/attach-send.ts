// Sending a photo or a file from the chat: the attach button (the phone's
// picker, camera roll included) and, on a desktop, dropping files on the
// conversation. The text in the box goes with it as its caption. A photo is
// redrawn on the device first (core/image-strip.ts: no location, no camera
// serial); any other file goes as it is, with a note that documents may carry
// their own details. Each file gets its own line with a progress bar, a stop
// button and "try again". While the relay cannot be reached the file waits in
// this page's memory (shown as waiting, "보내지 않기" withdraws it) and leaves
// when the connection returns; a reload or locking drops it (docs/WEB.md).
// Files on their way outlive this screen (outgoing-files.ts).
import type { FileToSend } from '../../sdk/attachments';
import { isPhoto, stripImage } from '../core/image-strip';
import type { AppContext } from '../ui/context';
import { h } from '../ui/dom';
import type { alertBox } from '../ui/widgets';
import { pendingItem } from './chat-items';
import { type OutgoingFile, outgoingFiles } from './outgoing-files';
import { transferBar } from './transfer-bar';

/** The relay's default MAX_BLOB_BYTES: said before anything is uploaded (a relay set lower answers 413). */
export const MAX_FILE_BYTES = 25 * 1024 * 1024;

interface Deps {
  groupId: string;
  alert: ReturnType<typeof alertBox>;
  /** the caption: the box's text, taken (the box and its draft are cleared) */
  takeCaption(): string;
  push(li: HTMLElement): void;
  /** her message is stored: the chat draws it from the history if it has not already */
  sent(messageId: string): void;
  /** where files may be dropped */
  dropZone: HTMLElement;
}

export function attachSender(ctx: AppContext, deps: Deps) {
  const client = ctx.session.client;
  const picker = h('input', { type: 'file', multiple: true, hidden: true, 'aria-label': ctx.t('attach.input') });
  const button = h(
    'button',
    { type: 'button', class: 'attach', 'aria-label': ctx.t('attach.button'), 'data-testid': 'attach' },
    '+',
  );
  const note = h(
    'p',
    { class: 'hint', role: 'note', hidden: true, 'data-testid': 'document-note' },
    ctx.t('attach.documentNote'),
  );
  button.addEventListener('click', () => picker.click());
  picker.addEventListener('change', () => {
    const files = [...(picker.files ?? [])];
    picker.value = '';
    for (const f of files) void send(f);
  });

  // Files still on their way from an earlier visit to this chat (outgoing-files.ts) show again.
  const outgoing = outgoingFiles(ctx.session, deps.groupId);
  for (const f of outgoing) deps.push(f.li);

  async function prepare(original: File): Promise<FileToSend> {
    if (!isPhoto(original))
      return { data: original, name: original.name, type: original.type || 'application/octet-stream' };
    ctx.announce(ctx.t('attach.preparing'));
    button.setAttribute('aria-busy', 'true');
    const photo = await stripImage(original, original.name).finally(() => button.removeAttribute('aria-busy'));
    return {
      data: photo.data,
      name: photo.name,
      type: photo.type,
      image: { width: photo.width, height: photo.height, ...(photo.thumbnail ? { thumbnail: photo.thumbnail } : {}) },
    };
  }

  async function send(original: File): Promise<void> {
    deps.alert.clear();
    if (original.size > MAX_FILE_BYTES) return deps.alert.show(ctx.t('attach.tooLarge', { name: original.name }));
    let file: FileToSend;
    try {
      file = await prepare(original);
    } catch {
      // never sent as it is: its location could not be removed
      return deps.alert.show(ctx.t('attach.photoUnreadable', { name: original.name }));
    }
    const caption = deps.takeCaption();
    const pending = pendingItem(ctx, client.deviceId, caption || file.name);
    const { li } = pending;
    li.dataset.file = file.name;
    // shown above the box once she sends a document (until she sends a photo)
    note.hidden = Boolean(file.image);
    const withdraw = h(
      'button',
      { type: 'button', class: 'small', 'data-testid': 'withdraw-file', hidden: true },
      ctx.t('chat.cancelQueued'),
    );
    const heldNote = h('p', { class: 'hint', hidden: true }, ctx.t('attach.heldNote'));
    let unwait: (() => void) | null = null;
    const entry: OutgoingFile = {
      li,
      stop: () => {
        unwait?.();
        transfer.stop();
      },
    };
    const transfer = transferBar(
      ctx,
      file.name,
      (signal, onProgress) =>
        client.sendFile(deps.groupId, file, { ...(caption ? { text: caption } : {}), signal, onProgress }),
      'upload',
      {
        done: ({ messageId }) => {
          li.remove();
          outgoing.delete(entry);
          ctx.announce(ctx.t('attach.sent', { name: file.name }));
          deps.sent(messageId);
        },
        failed: () => {
          pending.setState('failed');
          withdraw.hidden = false;
          ctx.announce(ctx.t('attach.failed', { name: file.name }));
        },
        stopped: () => {
          pending.setState('failed');
          withdraw.hidden = false;
          ctx.announce(ctx.t('attach.stopped', { name: file.name }));
        },
      },
    );
    const go = () => {
      unwait?.();
      unwait = null;
      transfer.el.hidden = false;
      withdraw.hidden = true;
      heldNote.hidden = true;
      pending.setState('sending');
      void transfer.start();
    };
    withdraw.addEventListener('click', () => {
      entry.stop();
      outgoing.delete(entry);
      li.remove();
      ctx.announce(ctx.t('chat.cancelled'));
    });
    li.append(transfer.el, heldNote, withdraw);
    outgoing.add(entry);
    deps.push(li);
    if (client.online) return go();
    // offline: held in this page (even while another screen is open) until the connection is back
    pending.setState('queued');
    transfer.el.hidden = true;
    withdraw.hidden = false;
    heldNote.hidden = false;
    unwait = client.subscribe((event) => event.type === 'connection' && event.online && go());
  }

  // Desktop: drop files anywhere on the conversation.
  const zone = deps.dropZone;
  zone.dataset.dropHint = ctx.t('attach.drop');
  const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
  const onOver = (e: DragEvent) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    zone.classList.add('dropping');
  };
  const onLeave = (e: DragEvent) => {
    if (e.target === zone || !zone.contains(e.relatedTarget as Node | null)) zone.classList.remove('dropping');
  };
  const onDrop = (e: DragEvent) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    zone.classList.remove('dropping');
    for (const f of [...(e.dataTransfer?.files ?? [])]) void send(f);
  };
  zone.addEventListener('dragover', onOver);
  zone.addEventListener('dragleave', onLeave);
  zone.addEventListener('drop', onDrop);

  return {
    el: h('span', { class: 'attach-control' }, button, picker),
    /** disabled while the group's new key is awaited, like Send */
    button,
    /** "documents may carry their own details", shown once she sends one */
    note,
    dispose(): void {
      zone.removeEventListener('dragover', onOver);
      zone.removeEventListener('dragleave', onLeave);
      zone.removeEventListener('drop', onDrop);
    },
  };
}
