// The SDK's DocumentStore: JSON documents sealed with the passphrase-derived
// key (Argon2id, shared/crypto/passphrase-key.ts) before a ByteStore sees
// them. Each blob is bound to its document name, and the backend sees only a
// keyed hash of that name, so a seized device reveals neither contents nor
// which groups exist. Only the KDF header is stored in clear.
//
// Changing the passphrase re-seals every document under the new key at new
// backend names (the names are keyed by the key), writes the new index under
// a new name, then switches the header (one put: the commit point), then
// deletes the old blobs. A crash before the switch leaves the old store whole;
// after it, the new one. A clear plan (backend names only) written first lets
// the next open delete the losing side's blobs.
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
import { constantTimeEqual, kdf, memzero, randomBytes } from '../../shared/crypto/primitives';
import { ClientError } from './errors';
import type { ByteStore, DocumentStore } from './store';

const HEADER_KEY = 'kdf-header';
/** The sealed list of document names (the backend only has their hashes). */
const INDEX_DOC = 'index';

/** The clear header: the KDF's, plus where the index is (absent in stores from before passphrase changes: `index`). */
type StoreHeader = PassphraseHeader & { index?: string };

async function readHeader(bytes: ByteStore): Promise<StoreHeader> {
  const raw = await bytes.get(HEADER_KEY);
  if (!raw) throw new ClientError('no_store', 'this store holds no identity');
  try {
    return JSON.parse(fromUtf8(raw)) as StoreHeader;
  } catch {
    throw new ClientError('no_store', 'the store header is unreadable');
  }
}

/** A passphrase change in progress (clear: backend names only, which the backend sees anyway). */
const PLAN_KEY = 'change-plan';
interface ChangePlan {
  /** the new index slot: the header names it once the switch is done */
  index: string;
  /** blobs under the new key */
  fresh: string[];
  /** blobs under the old key */
  stale: string[];
}

/** Deletes the side that lost: the old blobs after the switch, else the new ones. */
async function finishChange(bytes: ByteStore, plan: ChangePlan, switched: boolean): Promise<void> {
  for (const slot of switched ? plan.stale : plan.fresh) await bytes.delete(slot);
  await bytes.delete(PLAN_KEY);
}

/** A change the page or process died in: finished if the header was switched, else undone. */
async function recoverChange(bytes: ByteStore): Promise<void> {
  const raw = await bytes.get(PLAN_KEY);
  if (!raw) return;
  const plan = JSON.parse(fromUtf8(raw)) as ChangePlan;
  await finishChange(bytes, plan, (await readHeader(bytes)).index === plan.index);
}

const nameUnder = (key: Uint8Array, name: string) => `d-${toB64(kdf(LABELS.storeName, key, [utf8(name)], 16))}`;

export class SealedStore implements DocumentStore {
  /** Every backend operation runs in call order: a later write never loses to an earlier one. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly bytes: ByteStore,
    private key: Uint8Array,
    private readonly names: Set<string>,
    /** the backend name of the sealed index (it moves when the passphrase changes) */
    private indexSlot: string = INDEX_DOC,
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
    await recoverChange(bytes);
    const header = await readHeader(bytes);
    const key = await keyFromHeader(passphrase, header);
    const probe = new SealedStore(bytes, key, new Set(), header.index ?? INDEX_DOC);
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

  /**
   * Re-seals every document under a key derived from `next` (a new salt, the
   * same Argon2id cost); 'wrong_passphrase' if `current` is not this store's.
   * Runs as one step of the backend queue, so no write lands half-way.
   */
  changePassphrase(current: string, next: string): Promise<void> {
    return this.serial(async () => {
      const header = await readHeader(this.bytes);
      const check = await keyFromHeader(current, header);
      const same = constantTimeEqual(check, this.key);
      memzero(check);
      if (!same) throw new ClientError('wrong_passphrase', 'the current passphrase does not open this store');
      const nextHeader: StoreHeader = {
        ...newPassphraseHeader({ opslimit: header.opslimit, memlimit: header.memlimit }),
        index: `index-${toB64(randomBytes(9))}`,
      };
      const nextKey = await keyFromHeader(next, nextHeader);
      const names = [...this.names];
      const plan: ChangePlan = {
        index: nextHeader.index!,
        fresh: [nextHeader.index!, ...names.map((n) => nameUnder(nextKey, n))],
        stale: [this.indexSlot, ...names.map((n) => this.storageName(n))],
      };
      try {
        // 0. what a crash would leave behind, so the next open can finish or undo it
        await this.bytes.put(PLAN_KEY, utf8(JSON.stringify(plan)));
        // 1. new sealed copies under new names; the old ones stay valid
        for (const name of names) {
          const blob = await this.bytes.get(this.storageName(name));
          if (!blob) continue;
          const plain = openAtRest(this.key, name, blob);
          await this.bytes.put(nameUnder(nextKey, name), sealAtRest(nextKey, name, plain));
          memzero(plain);
        }
        await this.bytes.put(plan.index, sealAtRest(nextKey, INDEX_DOC, utf8(JSON.stringify(names))));
        // 2. the switch: one put
        await this.bytes.put(HEADER_KEY, utf8(JSON.stringify(nextHeader)));
      } catch (e) {
        memzero(nextKey);
        throw e;
      }
      memzero(this.key);
      this.key = nextKey;
      this.indexSlot = plan.index;
      // 3. the old blobs go
      await finishChange(this.bytes, plan, true);
    });
  }

  private storageName(name: string): string {
    // The header names the index: opening it is how a wrong passphrase is told apart.
    if (name === INDEX_DOC) return this.indexSlot;
    return nameUnder(this.key, name);
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => {});
    return next;
  }

  async read<T>(name: string): Promise<T | undefined> {
    // Key and name are taken inside the queued step: a passphrase change may run before it.
    const plain = await this.serial(async () => {
      const blob = await this.bytes.get(this.storageName(name));
      return blob && openAtRest(this.key, name, blob);
    });
    return plain ? (JSON.parse(fromUtf8(plain)) as T) : undefined;
  }

  async write<T>(name: string, value: T): Promise<void> {
    const plain = utf8(JSON.stringify(value));
    // The name joins the list in the same step as its blob, so a passphrase change queued next re-seals it.
    const added = await this.serial(async () => {
      await this.bytes.put(this.storageName(name), sealAtRest(this.key, name, plain));
      if (name === INDEX_DOC || this.names.has(name)) return false;
      this.names.add(name);
      return true;
    });
    if (added) await this.writeIndex();
  }

  async remove(name: string): Promise<void> {
    const removed = await this.serial(async () => {
      await this.bytes.delete(this.storageName(name));
      return this.names.delete(name);
    });
    if (removed) await this.writeIndex();
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
