// Files on their way (uploading, or waiting for the connection) outlive the
// chat screen: she may switch to the board or the group list while a photo
// uploads, and its line is shown again when she comes back. They live in this
// page's memory only; locking the app stops and forgets all of them (a reload
// does too: docs/WEB.md, "Photos and files").
import type { WebSession } from '../core/session';

export interface OutgoingFile {
  /** its line in the chat, moved into the chat again when it is reopened */
  li: HTMLElement;
  /** stops its upload, or drops it from the wait for the connection */
  stop(): void;
}

const byGroup = new Map<string, Set<OutgoingFile>>();
let watching: WebSession | null = null;

/** The group's files on their way; the first call hooks the lock, which stops them all. */
export function outgoingFiles(session: WebSession, groupId: string): Set<OutgoingFile> {
  if (watching !== session) {
    watching = session;
    session.on('lock', () => {
      for (const files of byGroup.values()) for (const f of files) f.stop();
      byGroup.clear();
    });
  }
  let files = byGroup.get(groupId);
  if (!files) byGroup.set(groupId, (files = new Set()));
  return files;
}
