// The SDK's DocumentStore: JSON documents sealed with the passphrase-derived
// key (Argon2id, shared/crypto/passphrase-key.ts) before a ByteStore sees
// them. Each blob is bound to its document name, and the backend sees only a
// keyed hash of that name, so a seized device reveals neither contents nor
// which groups exist. Only the KDF header is stored in clear.
import { fromUtf8, toB64, utf8 } from '../../shared/crypto/encoding';
import { LABELS } from '../../shared/crypto/labels';
import {
  AtRestError,
  keyFromHeader,
  newPassphraseHeader,
  openAtRest,
  type PassphraseHeader,
  type PassphraseKdfParams,
  sealAtRest,
} from '../../shared/crypto/passphrase-key';
import { kdf, memzero } from '../../shared/crypto/primitives';
import { ClientError } from './errors';
import type { ByteStore, DocumentStore } from './store';

const HEADER_KEY = 'kdf-header';
/** The sealed list of document names (the backend only has their hashes). */
const INDEX_DOC = 'index';

export class SealedStore implements DocumentStore {
  /** Every backend operation runs in call order: a later write never loses to an earlier one. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly bytes: ByteStore,
    private key: Uint8Array,
    private readonly names: Set<string>,
  ) {}

  /** A new store: fails with 'store_exists' if the backend already holds one. */
  static async create(bytes: ByteStore, passphrase: string, params?: PassphraseKdfParams): Promise<SealedStore> {
    if (await bytes.get(HEADER_KEY)) throw new ClientError('store_exists', 'this store already holds an identity');
    const header = newPassphraseHeader(params);
    const store = new SealedStore(bytes, await keyFromHeader(passphrase, header), new Set());
    await bytes.put(HEADER_KEY, utf8(JSON.stringify(header)));
    await store.writeIndex();
    return store;
  }

  /** Opens an existing store; 'wrong_passphrase' if the key does not open its index. */
  static async open(bytes: ByteStore, passphrase: string): Promise<SealedStore> {
    const raw = await bytes.get(HEADER_KEY);
    if (!raw) throw new ClientError('no_store', 'this store holds no identity');
    let header: PassphraseHeader;
    try {
      header = JSON.parse(fromUtf8(raw)) as PassphraseHeader;
    } catch {
      throw new ClientError('no_store', 'the store header is unreadable');
    }
    const key = await keyFromHeader(passphrase, header);
    const probe = new SealedStore(bytes, key, new Set());
    let names: string[] | undefined;
    try {
      names = await probe.read<string[]>(INDEX_DOC);
    } catch (e) {
      memzero(key);
      if (e instanceof AtRestError)
        throw new ClientError('wrong_passphrase', 'the passphrase does not open this store');
      throw e;
    }
    if (!names) throw new ClientError('no_store', 'the store has no index');
    for (const n of names) probe.names.add(n);
    return probe;
  }

  private storageName(name: string): string {
    // The index has a fixed name: opening it is how a wrong passphrase is told apart.
    if (name === INDEX_DOC) return INDEX_DOC;
    return `d-${toB64(kdf(LABELS.storeName, this.key, [utf8(name)], 16))}`;
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => {});
    return next;
  }

  async read<T>(name: string): Promise<T | undefined> {
    const blob = await this.serial(() => this.bytes.get(this.storageName(name)));
    if (!blob) return undefined;
    return JSON.parse(fromUtf8(openAtRest(this.key, name, blob))) as T;
  }

  async write<T>(name: string, value: T): Promise<void> {
    const blob = sealAtRest(this.key, name, utf8(JSON.stringify(value)));
    await this.serial(() => this.bytes.put(this.storageName(name), blob));
    if (!this.names.has(name) && name !== INDEX_DOC) {
      this.names.add(name);
      await this.writeIndex();
    }
  }

  async remove(name: string): Promise<void> {
    await this.serial(() => this.bytes.delete(this.storageName(name)));
    if (this.names.delete(name)) await this.writeIndex();
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.names].filter((n) => n.startsWith(prefix));
  }

  /** Erases everything (duress, wipe) and forgets the key. */
  async clear(): Promise<void> {
    await this.serial(() => this.bytes.clear());
    this.names.clear();
    memzero(this.key);
  }

  close(): void {
    memzero(this.key);
  }

  private writeIndex(): Promise<void> {
    return this.write(INDEX_DOC, [...this.names]);
  }
}
