// The page's trust data: the signed bundle and the status lists, refreshed
// when the network is there, otherwise read back from IndexedDB. Either way
// the bundle's anchor signature is checked again before it is used.
import {
  type CachedStatusList,
  createMemoryStatusCache,
  type LoadedTrustBundle,
  loadTrustBundle,
  type StatusCache,
  syncStatus,
} from '@vneid/verifier/browser';
import type { PageStore } from './idb-store.js';

/** config.json next to index.html: set by whoever deploys the page. */
export interface PageConfig {
  /** The national trust anchor's Ed25519 Multikey (z6Mk…). */
  anchorKey: string;
  /** Where the signed trust bundle is served (relative to the page, or absolute). */
  bundleUrl: string;
  /** This verifier's domain in presentations (default: the page's host). */
  domain?: string;
  /** A bundle issued longer ago than this is stale. */
  bundleMaxAgeSeconds?: number;
  /** A status list older than this is stale. */
  statusMaxAgeSeconds?: number;
  /** What the request QR asks for at start (the officer can change it): a registered type, its fields, the purpose. */
  request?: { type?: string; fields?: string[]; reason?: string };
  /**
   * The page as an OpenID4VP verifier: the relying party's registered id (the client id, also the domain its
   * answers are bound to) and where the relay of the serving host is (default `oid4vp/`, beside the page).
   */
  oid4vp?: { clientId: string; relay?: string; ttlSeconds?: number };
}

export interface TrustData {
  loaded: LoadedTrustBundle;
  cache: StatusCache;
  lists: CachedStatusList[];
  /** Whether this start refreshed the data over the network. */
  refreshed: boolean;
  /** Why a refresh failed (offline, refused bundle, failed lists). */
  refreshError?: string;
}

/** Refreshes (online) or reads back (offline) the trust bundle and status lists. */
export async function loadTrustData(config: PageConfig, store: PageStore, now: Date): Promise<TrustData> {
  const heldText = await store.getBundleText();
  const held = heldText
    ? await loadTrustBundle(heldText, { anchorKey: config.anchorKey, now, maxAge: config.bundleMaxAgeSeconds })
    : undefined;
  const lists = new Map((await store.allLists()).map((l) => [l.url, l]));
  const cache = createMemoryStatusCache({
    entries: [...lists.values()],
    onPut: async (entry, options) => {
      // Another tab may have stored a newer list meanwhile: then neither copy takes this one.
      const stored = await store.putList(entry, options);
      if (stored) lists.set(entry.url, entry);
      return stored;
    },
  });
  let loaded = held;
  let refreshError: string | undefined;
  let refreshed = false;
  try {
    const response = await fetch(new URL(config.bundleUrl, location.href), { cache: 'no-store' });
    if (!response.ok) throw new Error(`trust bundle: HTTP ${response.status}`);
    const text = await response.text();
    const fresh = await loadTrustBundle(text, {
      anchorKey: config.anchorKey,
      now,
      maxAge: config.bundleMaxAgeSeconds,
      ...(held ? { current: held.bundle } : {}),
    });
    await store.putBundleText(text);
    loaded = fresh;
    const sync = await syncStatus(fresh, { cache, now });
    refreshed = true;
    const failed = sync.results.filter((r) => r.result === 'failed');
    if (failed.length > 0) refreshError = failed.map((r) => `${r.url}: ${r.code}`).join('; ');
  } catch (error) {
    refreshError = (error as Error).message;
  }
  if (!loaded) throw new Error(`no trust bundle held and none could be loaded (${refreshError ?? 'unknown'})`);
  return { loaded, cache, lists: [...lists.values()], refreshed, refreshError };
}
