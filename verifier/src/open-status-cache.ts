import type { JsonObject } from '@vneid/core';
import { Level } from 'level';
import { createKeyedQueue } from './lib/keyed-queue.js';
import { mayReplaceCachedList, type StatusCachePutOptions } from './may-replace-cached-list.js';
import type { TrustBundle } from './types.js';

/** A status list as held by the verifier after `syncStatus` verified it. */
export interface CachedStatusList {
  url: string;
  issuer: string;
  statusPurpose: string;
  validFrom: string;
  validUntil?: string;
  /** Multibase base64url gzip bitstring, exactly as the issuer signed it. */
  encodedList: string;
  /** The key that signed the list, re-checked against the bundle at every verification. */
  verificationMethod: string;
  /** The signer's key material: a later bundle reusing the key id for another key does not vouch for this list. */
  publicKeyMultibase: string;
  proofCreated: string;
  fetchedAt: string;
  /**
   * The status list credential exactly as fetched and verified. The fields
   * above are a copy for speed; this signed original is re-verified (and the
   * copy compared with it) the first time an entry is read after it reaches
   * memory, so a cache edited on disk is caught rather than believed.
   */
  credential: JsonObject;
  /** The server's entity tag of what was verified: the next sync asks "if none match" and skips a 304. */
  etag?: string;
}

/** Storage of verified status lists (and of the trust bundle in use, for rollback checks). */
export interface StatusCache {
  get(url: string): Promise<Readonly<CachedStatusList> | undefined>;
  /**
   * Stores `entry` if `mayReplaceCachedList` allows it over the entry held
   * for its URL, deciding and writing as one atomic step (two syncs of one
   * cache may overlap); resolves to whether it was stored. A list that is
   * not newer is not an error: the cache keeps what it holds.
   */
  put(entry: CachedStatusList, options?: StatusCachePutOptions): Promise<boolean>;
  getBundle(): Promise<TrustBundle | undefined>;
  putBundle(bundle: Readonly<TrustBundle>): Promise<void>;
  close(): Promise<void>;
}

const LIST_PREFIX = 'list:';
const BUNDLE_KEY = 'bundle:current';
// Entries hold the compressed list and its signed copy (a few kilobytes). A police
// device follows every list of the nation's issuers — 3,052 for 100 million
// credentials of one ministry — and an entry evicted here is read back from
// disk and its proof verified again at the next sync or status check: keep
// them all up to a bound (about 12 MB at 3 KB each).
const MAX_LISTS_IN_MEMORY = 4096;

/**
 * Opens (creating if needed) the LevelDB status cache in `path`. Writes are
 * synced to disk: a list acknowledged by `syncStatus` survives a power cut,
 * which matters for revocations.
 *
 * @example
 * const cache = await openStatusCache({ path: '/var/lib/vneid/status' });
 * @throws {Error} when the database is locked by another process (LEVEL_DATABASE_NOT_OPEN).
 */
export async function openStatusCache(options: { path: string }): Promise<StatusCache> {
  if (typeof options?.path !== 'string' || options.path.length === 0) throw new TypeError('path is required');
  const db = new Level<string, unknown>(options.path, { valueEncoding: 'json' });
  await db.open();
  // LevelDB locks the folder, so this process is its only writer and a
  // write-through copy in memory stays exact: a status check is then a map
  // lookup, not a disk read and a JSON parse of the whole list.
  const lists = new Map<string, Readonly<CachedStatusList>>();
  const remember = (entry: CachedStatusList): Readonly<CachedStatusList> => {
    const frozen = Object.freeze({ ...entry });
    lists.delete(entry.url);
    lists.set(entry.url, frozen);
    if (lists.size > MAX_LISTS_IN_MEMORY) lists.delete(lists.keys().next().value!);
    return frozen;
  };
  const get = async (url: string): Promise<Readonly<CachedStatusList> | undefined> => {
    const known = lists.get(url);
    if (known) return known;
    const stored = (await db.get(LIST_PREFIX + url)) as CachedStatusList | undefined;
    // An entry stored under another list's key was moved there by someone
    // with the disk: hand it out as it is (the status check and the sync
    // refuse it as tampered) but never remember it as either list.
    if (stored && stored.url !== url) return Object.freeze({ ...stored });
    return stored && remember(stored);
  };
  // Puts of one URL are queued, so each compares with what the previous one
  // wrote. Per URL rather than per cache: the rule compares one URL's lists
  // only, and a sync's synced writes of different lists stay in flight
  // together (LevelDB commits concurrent synced writes in one group).
  const queue = createKeyedQueue();
  return {
    get,
    put(entry, options) {
      return queue(entry.url, async () => {
        if (!mayReplaceCachedList(await get(entry.url), entry, options)) return false;
        await db.put(LIST_PREFIX + entry.url, entry, { sync: true });
        remember(entry);
        return true;
      });
    },
    async getBundle() {
      return (await db.get(BUNDLE_KEY)) as TrustBundle | undefined;
    },
    async putBundle(bundle) {
      await db.put(BUNDLE_KEY, bundle, { sync: true });
    },
    async close() {
      await db.close();
    },
  };
}
