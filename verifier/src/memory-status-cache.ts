import type { CachedStatusList, StatusCache } from './open-status-cache.js';
import type { TrustBundle } from './types.js';

/**
 * A status cache held in memory, optionally written through to another
 * store (the web verifier's IndexedDB): `syncStatus` and the verifications
 * read it exactly like the LevelDB cache, without any node module.
 *
 * @example
 * const cache = createMemoryStatusCache({ entries: await idb.allLists(), onPut: (e) => idb.putList(e) });
 */
export function createMemoryStatusCache(
  options: {
    /** Entries held already (e.g. read back from IndexedDB). */
    entries?: readonly CachedStatusList[];
    bundle?: TrustBundle;
    /** Called (and awaited) before a put is acknowledged: persist the entry there. */
    onPut?: (entry: CachedStatusList) => Promise<void> | void;
    onPutBundle?: (bundle: Readonly<TrustBundle>) => Promise<void> | void;
  } = {},
): StatusCache {
  const lists = new Map<string, Readonly<CachedStatusList>>();
  // Keyed by each entry's own url (never by where the backing store kept it),
  // so an entry moved under another list's key in IndexedDB is not read as
  // that list; `get` checks the same again for entries put later.
  for (const entry of options.entries ?? []) lists.set(entry.url, Object.freeze({ ...entry }));
  let bundle = options.bundle;
  return {
    async get(url) {
      const entry = lists.get(url);
      return entry && entry.url === url ? entry : undefined;
    },
    async put(entry) {
      await options.onPut?.(entry);
      lists.set(entry.url, Object.freeze({ ...entry }));
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
