import { Level } from 'level';
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
}

/** Storage of verified status lists (and of the trust bundle in use, for rollback checks). */
export interface StatusCache {
  get(url: string): Promise<CachedStatusList | undefined>;
  put(entry: CachedStatusList): Promise<void>;
  getBundle(): Promise<TrustBundle | undefined>;
  putBundle(bundle: Readonly<TrustBundle>): Promise<void>;
  close(): Promise<void>;
}

const LIST_PREFIX = 'list:';
const BUNDLE_KEY = 'bundle:current';

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
  return {
    async get(url) {
      return (await db.get(LIST_PREFIX + url)) as CachedStatusList | undefined;
    },
    async put(entry) {
      await db.put(LIST_PREFIX + entry.url, entry, { sync: true });
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
