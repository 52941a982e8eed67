// The files of a message in the chat. A photo shows its thumbnail at once (it
// came inside the E2EE message, no download); tapping it downloads, checks and
// decrypts the full picture on the device and shows it with a save link under
// the original name. Any other file shows its name and size and a button that
// downloads it and saves it. All of it through blob: URLs the chat revokes
// when it goes away; a file that did not check out shows why and never opens.
import type { AttachmentDescriptor } from '../../../shared/protocol/attachment';
import { fromB64 } from '../../../shared/crypto/encoding';
import type { MessageEvent } from '../../sdk/events';
import { currentLanguage } from '../i18n';
import type { BlobUrls } from '../ui/blob-urls';
import type { AppContext } from '../ui/context';
import { h } from '../ui/dom';
import { transferBar } from './transfer-bar';

/** "2.4 MB", "840 kB" in her language. */
export function fileSize(bytes: number): string {
  const [unit, value] = bytes >= 1_000_000 ? ['megabyte', bytes / 1_000_000] : ['kilobyte', Math.max(1, bytes / 1000)];
  return new Intl.NumberFormat(currentLanguage(), { style: 'unit', unit, maximumFractionDigits: 1 }).format(value);
}

/** The save link: the decrypted file under its original name. */
export function saveLink(ctx: AppContext, url: string, name: string): HTMLAnchorElement {
  return h(
    'a',
    { class: 'button small save', href: url, download: name, 'aria-label': ctx.t('attach.saveNamed', { name }) },
    ctx.t('attach.save'),
  );
}

/** The full picture over the chat, with its save link; Escape or the close button ends it. */
export function photoViewer(ctx: AppContext) {
  const img = h('img', { class: 'viewer-image', alt: '' });
  const actions = h('div', { class: 'viewer-actions' });
  const close = h('button', { type: 'button', 'data-testid': 'viewer-close' }, ctx.t('attach.close'));
  const el = h(
    'div',
    { class: 'photo-viewer', role: 'dialog', 'aria-modal': 'true', 'aria-label': ctx.t('attach.viewer'), hidden: true },
    img,
    actions,
  );
  let opener: HTMLElement | null = null;
  function hide(): void {
    el.hidden = true;
    img.removeAttribute('src');
    opener?.focus();
  }
  close.addEventListener('click', hide);
  el.addEventListener('keydown', (e) => e.key === 'Escape' && hide());
  return {
    el,
    open(url: string, name: string, from: HTMLElement): void {
      opener = from;
      img.src = url;
      img.alt = ctx.t('attach.photoAlt', { name });
      actions.replaceChildren(saveLink(ctx, url, name), close);
      el.hidden = false;
      close.focus();
    },
    hide,
  };
}

export type PhotoViewer = ReturnType<typeof photoViewer>;

interface Deps {
  groupId: string;
  urls: BlobUrls;
  viewer: PhotoViewer;
}

/** Downloads one file with its progress bar in `where`; `got` receives its blob: URL. */
function fetchInto(
  ctx: AppContext,
  deps: Deps,
  a: AttachmentDescriptor,
  where: HTMLElement,
  got: (url: string) => void,
) {
  where.querySelector('.transfer')?.remove();
  const transfer = transferBar(
    ctx,
    a.name,
    (signal, onProgress) => ctx.session.client.downloadAttachment(deps.groupId, a, { signal, onProgress }),
    'download',
    {
      done: ({ bytes }) => {
        transfer.el.remove();
        ctx.announce(ctx.t('attach.received', { name: a.name }));
        got(deps.urls.make(bytes, a.type));
      },
    },
  );
  where.appendChild(transfer.el);
  void transfer.start();
}

function photo(ctx: AppContext, deps: Deps, a: AttachmentDescriptor): HTMLElement {
  const thumb = a.image?.thumbnail
    ? h('img', {
        src: deps.urls.make(fromB64(a.image.thumbnail), 'image/jpeg'),
        alt: '',
        width: a.image.width,
        height: a.image.height,
      })
    : null;
  const open = h(
    'button',
    { type: 'button', class: 'thumb', 'aria-label': ctx.t('attach.openPhoto', { name: a.name }) },
    thumb ?? ctx.t('attach.openPhoto', { name: a.name }),
  );
  const el = h('div', { class: 'attachment photo', 'data-testid': 'attachment' }, open);
  let full: string | null = null;
  open.addEventListener('click', () => {
    if (full) return deps.viewer.open(full, a.name, open);
    if (el.querySelector('.transfer[data-state="running"]')) return;
    fetchInto(ctx, deps, a, el, (url) => {
      full = url;
      deps.viewer.open(url, a.name, open);
    });
  });
  return el;
}

function file(ctx: AppContext, deps: Deps, a: AttachmentDescriptor): HTMLElement {
  const fetch = h(
    'button',
    { type: 'button', class: 'small', 'aria-label': ctx.t('attach.fetchNamed', { name: a.name }) },
    ctx.t('attach.fetch'),
  );
  const el = h(
    'div',
    { class: 'attachment file', 'data-testid': 'attachment' },
    h('p', { class: 'file-name' }, a.name),
    h('p', { class: 'file-size' }, fileSize(a.size)),
    fetch,
  );
  fetch.addEventListener('click', () => {
    if (el.querySelector('.transfer[data-state="running"]')) return;
    fetchInto(ctx, deps, a, el, (url) => {
      const link = saveLink(ctx, url, a.name);
      fetch.replaceWith(link);
      link.click(); // one tap: downloaded, checked and saved
    });
  });
  return el;
}

/** The files of an attachment message (null for any other message, or one deleted). */
export function attachmentParts(ctx: AppContext, deps: Deps, e: MessageEvent): HTMLElement | null {
  if (e.deleted || e.content.type !== 'attachment') return null;
  return h(
    'div',
    { class: 'attachments' },
    e.content.attachments.map((a) => (a.image ? photo(ctx, deps, a) : file(ctx, deps, a))),
  );
}
