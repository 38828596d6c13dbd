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
  for (const entry of options.entries ?? []) lists.set(entry.url, Object.freeze({ ...entry }));
  let bundle = options.bundle;
  return {
    async get(url) {
      return lists.get(url);
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
