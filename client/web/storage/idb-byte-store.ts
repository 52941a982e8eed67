// The web app's platform seam: a ByteStore over one IndexedDB object store.
// Values arrive already sealed (the SDK's SealedStore, the app vault); this
// file only moves bytes. Each store is its own object store in one database,
// so `clear()` of one never touches the other and a wipe deletes the database.
import type { ByteStore } from '../../sdk/store';

/** Neutral on purpose: the name is visible in the browser's storage inspector. */
export const DATABASE_NAME = 'memo';
const DATABASE_VERSION = 1;
export const OBJECT_STORES = ['sdk', 'app'] as const;
export type ObjectStoreName = (typeof OBJECT_STORES)[number];

const request = <T>(req: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

let opening: Promise<IDBDatabase> | null = null;
/** Set by a wipe: a late write (an SDK sync still in flight) must not create the database again. */
let wiped = false;

/** One shared connection; closed (and reopened on next use) when a wipe deletes the database. */
export function openDatabase(): Promise<IDBDatabase> {
  if (wiped) return Promise.reject(new Error('this device was wiped'));
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(DATABASE_NAME, DATABASE_VERSION);
    req.onupgradeneeded = () => {
      for (const name of OBJECT_STORES)
        if (!req.result.objectStoreNames.contains(name)) req.result.createObjectStore(name);
    };
    req.onsuccess = () => {
      const db = req.result;
      // Another tab wipes: let it, and forget this connection.
      db.onversionchange = () => closeDatabase();
      resolve(db);
    };
    req.onerror = () => reject(req.error);
  }).catch((err: unknown) => {
    opening = null;
    throw err;
  });
  return opening;
}

export function closeDatabase(): void {
  const pending = opening;
  opening = null;
  void pending?.then((db) => db.close()).catch(() => {});
}

/** Deletes every byte the app stored on this device; the page must reload afterwards. */
export async function deleteDatabase(): Promise<void> {
  wiped = true;
  if (opening) (await opening.catch(() => null))?.close();
  opening = null;
  await new Promise<void>((resolve, reject) => {
    const req = indexedDB.deleteDatabase(DATABASE_NAME);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error);
    // Other tabs close on versionchange; success follows once they have.
    req.onblocked = () => {};
  });
}

/** Whether anything was ever stored, without creating the database (a fresh install has none). */
export async function databaseExists(): Promise<boolean> {
  const list = await indexedDB.databases();
  return list.some((d) => d.name === DATABASE_NAME);
}

export function idbByteStore(storeName: ObjectStoreName): ByteStore {
  async function run<T>(mode: IDBTransactionMode, op: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const db = await openDatabase();
    const tx = db.transaction(storeName, mode);
    // Resolve once the transaction has committed, not merely when the request succeeded.
    const committed = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
    });
    const [result] = await Promise.all([request(op(tx.objectStore(storeName))), committed]);
    return result;
  }

  return {
    async get(key) {
      const value = await run('readonly', (s) => s.get(key) as IDBRequest<Uint8Array | undefined>);
      return value === undefined ? undefined : new Uint8Array(value);
    },
    async put(key, value) {
      // A copy: the caller may zero its buffer after the call.
      await run('readwrite', (s) => s.put(value.slice(), key));
    },
    async delete(key) {
      await run('readwrite', (s) => s.delete(key));
    },
    async keys(prefix = '') {
      const range = prefix ? IDBKeyRange.bound(prefix, `${prefix}\uffff`) : undefined;
      const all = await run('readonly', (s) => s.getAllKeys(range));
      return all.map(String).filter((k) => k.startsWith(prefix));
    },
    async clear() {
      await run('readwrite', (s) => s.clear());
    },
  };
}
