// Local storage for the SDK. Backends store opaque bytes under string keys;
// `SealedStore` (the SDK's) encrypts every value with the passphrase-derived
// key before a backend sees it, so a backend never holds anything readable.

/** One implementation per platform: a directory of files on Node, IndexedDB in the browser. */
export interface ByteStore {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  /** Keys that start with the prefix, in no particular order. */
  keys(prefix?: string): Promise<string[]>;
  /** Erases everything this store holds (wipe, duress). */
  clear(): Promise<void>;
}

/** What the client keeps: JSON documents under string keys, sealed at rest. */
export interface DocumentStore {
  read<T>(key: string): Promise<T | undefined>;
  write<T>(key: string, value: T): Promise<void>;
  remove(key: string): Promise<void>;
  list(prefix: string): Promise<string[]>;
}
