// Decrypted pictures and files are shown and saved through blob: URLs, which
// keep the plaintext reachable in the page until revoked. Each chat keeps its
// own set and revokes all of them when it goes away (another screen, leaving
// the group, or the app locking, which tears the screen down).
export interface BlobUrls {
  /** A blob: URL for these bytes, revoked with the set. */
  make(bytes: Uint8Array | Blob, type: string): string;
  revokeAll(): void;
}

export function blobUrls(): BlobUrls {
  const made = new Set<string>();
  return {
    make(bytes, type) {
      const blob = bytes instanceof Blob ? bytes : new Blob([bytes as Uint8Array<ArrayBuffer>], { type });
      const url = URL.createObjectURL(blob);
      made.add(url);
      return url;
    },
    revokeAll() {
      for (const url of made) URL.revokeObjectURL(url);
      made.clear();
    },
  };
}
