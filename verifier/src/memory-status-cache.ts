import { createKeyedQueue } from './lib/keyed-queue.js';
import { mayReplaceCachedList, type StatusCachePutOptions } from './may-replace-cached-list.js';
import type { CachedStatusList, StatusCache } from './open-status-cache.js';
import type { TrustBundle } from './types.js';

/**
 * A status cache held in memory, optionally written through to another
 * store (the web verifier's IndexedDB): `syncStatus` and the verifications
 * read it exactly like the LevelDB cache, without any node module.
 *
 * @example
 * const cache = createMemoryStatusCache({ entries: await idb.allLists(), onPut: (e, o) => idb.putList(e, o) });
 */
export function createMemoryStatusCache(
  options: {
    /** Entries held already (e.g. read back from IndexedDB). */
    entries?: readonly CachedStatusList[];
    bundle?: TrustBundle;
    /**
     * Called (and awaited) before a put is acknowledged, for an entry the
     * cache is about to store: persist it there. Return `false` when the
     * store keeps a newer list of that URL (another tab's sync stored it;
     * apply `mayReplaceCachedList` with these options in the store's own
     * transaction): the cache then keeps its entry too.
     */
    // biome-ignore lint/suspicious/noConfusingVoidType: a hook that only persists returns nothing; false is the one answer read.
    onPut?: (entry: CachedStatusList, options: StatusCachePutOptions) => Promise<boolean | void> | boolean | void;
    onPutBundle?: (bundle: Readonly<TrustBundle>) => Promise<void> | void;
  } = {},
): StatusCache {
  const lists = new Map<string, Readonly<CachedStatusList>>();
  // Keyed by each entry's own url (never by where the backing store kept it),
  // so an entry moved under another list's key in IndexedDB is not read as
  // that list; `get` checks the same again for entries put later.
  for (const entry of options.entries ?? []) lists.set(entry.url, Object.freeze({ ...entry }));
  let bundle = options.bundle;
  // Puts of one URL are queued: the write-through is awaited between the
  // comparison and the store, and a second put must compare with the first.
  const queue = createKeyedQueue();
  return {
    async get(url) {
      const entry = lists.get(url);
      return entry && entry.url === url ? entry : undefined;
    },
    put(entry, putOptions = {}) {
      return queue(entry.url, async () => {
        if (!mayReplaceCachedList(lists.get(entry.url), entry, putOptions)) return false;
        if ((await options.onPut?.(entry, putOptions)) === false) return false;
        lists.set(entry.url, Object.freeze({ ...entry }));
        return true;
      });
    },
    async getBundle() {
      return bundle;
    },
    async putBundle(next) {
      await options.onPutBundle?.(next);
      bundle = structuredClone(next) as TrustBundle;
    },
    async close() {
      lists.clear();
    },
  };
}
