// What the page keeps in IndexedDB: the trust bundle exactly as signed (its
// signature is checked again at every start), the verified status lists and
// the OpenID4VP request key.
// A write resolves only when its transaction has committed.
import { type CachedStatusList, mayReplaceCachedList, type StatusCachePutOptions } from '@vneid/verifier/browser';

const DB_NAME = 'vneid-verifier';
const KV = 'kv';
const LISTS = 'lists';

export interface PageStore {
  getBundleText(): Promise<string | undefined>;
  putBundleText(text: string): Promise<void>;
  allLists(): Promise<CachedStatusList[]>;
  /**
   * Stores a verified list unless the database holds one at least as new for
   * its URL (another tab's sync may have stored it): decided and written in
   * one transaction. Resolves to whether it was stored.
   */
  putList(entry: CachedStatusList, options?: StatusCachePutOptions): Promise<boolean>;
  /** The OpenID4VP request key pair (its private key not extractable: IndexedDB keeps the CryptoKey itself). */
  getRequestKey(): Promise<CryptoKeyPair | undefined>;
  putRequestKey(pair: CryptoKeyPair): Promise<void>;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

/** Opens (creating) the page's database. */
export async function openPageStore(): Promise<PageStore> {
  const open = indexedDB.open(DB_NAME, 1);
  open.onupgradeneeded = () => {
    open.result.createObjectStore(KV);
    open.result.createObjectStore(LISTS, { keyPath: 'url' });
  };
  const db = await request(open);
  return {
    async getBundleText() {
      const value = await request(db.transaction(KV).objectStore(KV).get('bundle'));
      return typeof value === 'string' ? value : undefined;
    },
    async putBundleText(text) {
      const tx = db.transaction(KV, 'readwrite', { durability: 'strict' });
      tx.objectStore(KV).put(text, 'bundle');
      await committed(tx);
    },
    async getRequestKey() {
      const value = (await request(db.transaction(KV).objectStore(KV).get('requestKey'))) as CryptoKeyPair | undefined;
      return value?.privateKey instanceof CryptoKey && value.publicKey instanceof CryptoKey ? value : undefined;
    },
    async putRequestKey(pair) {
      const tx = db.transaction(KV, 'readwrite', { durability: 'strict' });
      tx.objectStore(KV).put({ privateKey: pair.privateKey, publicKey: pair.publicKey }, 'requestKey');
      await committed(tx);
    },
    async allLists() {
      return (await request(db.transaction(LISTS).objectStore(LISTS).getAll())) as CachedStatusList[];
    },
    async putList(entry, options = {}) {
      // Readwrite transactions on one store run one after another, across
      // tabs too, so the read and the write below see no other write between
      // them. The write is queued from the read's success callback, while
      // the transaction is still active.
      const tx = db.transaction(LISTS, 'readwrite', { durability: 'strict' });
      const done = committed(tx);
      const lists = tx.objectStore(LISTS);
      const held = lists.get(entry.url);
      let stored = false;
      held.onsuccess = () => {
        stored = mayReplaceCachedList(held.result as CachedStatusList | undefined, entry, options);
        if (stored) lists.put({ ...entry });
      };
      await done;
      return stored;
    },
  };
}
