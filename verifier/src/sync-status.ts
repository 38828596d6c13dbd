import { type ErrorCode, idOf, parseJsonSafely, toVneidError, VneidError } from '@vneid/core';
import { isLoaded } from './lib/bundle-registry.js';
import { cachedListProblem, rememberVerified } from './lib/cached-list-check.js';
import { nowMs, parseDateTime } from './lib/dates.js';
import { type FetchLike, fetchLimited } from './lib/limited-fetch.js';
import { VERIFIER_LIMITS } from './lib/limits.js';
import { verifyStatusListCredential } from './lib/status-list-credential.js';
import { parseStatusListIndex } from './lib/status-list-index.js';
import { type TrustView, trustView } from './lib/trust-view.js';
import type { CachedStatusList, StatusCache } from './open-status-cache.js';
import type { BundleIssuer, LoadedTrustBundle, TrustBundle } from './types.js';

/**
 * The outcome of syncing one status list URL (or one prefix's index, when
 * that failed). `unchanged` includes a list fetched and verified but not
 * stored because another sync of the same cache stored one at least as new
 * meanwhile (`message` says so; `validFrom` is the held list's).
 */
export interface StatusSyncResult {
  url: string;
  issuer: string;
  result: 'updated' | 'unchanged' | 'failed';
  code?: ErrorCode;
  message?: string;
  validFrom?: string;
}

/** What a sync cost: requests made, bytes read (after content decoding), lists verified. */
export interface StatusSyncStats {
  /** HTTP requests, indexes included. */
  requests: number;
  /** Body bytes read, after gzip decoding. */
  bytes: number;
  /** Lists whose proof was verified. */
  verified: number;
  /** Lists the server answered 304 Not Modified for (not downloaded, not verified). */
  notModified: number;
  /** Lists not even requested: their index entry names the version already held. */
  skipped: number;
}

/** The outcome of a sync: one entry per status list (enumerated or indexed) of the bundle. */
export interface StatusSyncReport {
  ok: boolean;
  results: StatusSyncResult[];
  stats: StatusSyncStats;
}

export type { FetchLike };

/** Clocks drift: a list may be dated up to five minutes ahead of ours. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

interface Task {
  url: string;
  /** The bundle issuers that name this URL (enumerated or by prefix); the list's signed issuer picks one. */
  candidates: BundleIssuer[];
  /** `validFrom` of the current version as the prefix's index announces it. */
  indexed?: number;
}

interface SyncOptions {
  cache: StatusCache;
  now: Date;
  /** Default: global fetch (which asks for and decodes gzip). Limits and redirect policy apply to any fetch. */
  fetch?: FetchLike;
  timeoutMs?: number;
  maxBytes?: number;
  /**
   * Default true: skip lists whose index entry names the version held, and
   * ask for the others with `If-None-Match` (a 304 is neither downloaded nor
   * verified). False: download and verify every list, as a first sync does.
   */
  incremental?: boolean;
  /** Requests in flight at once; default 8 (a phone link is latency-bound). */
  concurrency?: number;
}

/**
 * The one online step: brings the status cache up to date with the lists
 * the bundle names — enumerated (`statusLists`) or under a prefix
 * (`statusListPrefix`, discovered through the index served at the prefix
 * itself) — verifies each downloaded list against the bundle (issuer, key,
 * window, proof, prefix, size caps), refuses lists older than the one held,
 * and stores the rest with synced writes. Verification afterwards reads only
 * the cache. One list failing does not stop the others; the report names each.
 * Syncs of one cache may overlap: the cache's put stores a list only if it is
 * newer than the one held at that moment (`mayReplaceCachedList`), so the
 * slower sync cannot put back an older list; its result is `unchanged`.
 *
 * Why the index and conditional requests rather than one or the other: the
 * index is how a verifier learns which of thousands of lists exist, and its
 * `validFrom` per list lets a re-sync skip unchanged lists without a request
 * each (3,052 304s would still cost a round trip and ~0.5 KB of headers
 * apiece, a third of a full sync); `If-None-Match` covers the enumerated
 * form and the race where a list changes back between index and fetch.
 *
 * @example
 * const report = await syncStatus(loaded, { cache, now: new Date() });
 * for (const r of report.results) if (r.result === 'failed') console.warn(r.url, r.code);
 * Codes per URL: STATUS_RETRIEVAL_ERROR, STATUS_VERIFICATION_ERROR, STATUS_LIST_ROLLBACK,
 * STATUS_LIST_LENGTH_ERROR, INPUT_LIMIT_EXCEEDED, MALFORMED_VALUE_ERROR, UNSAFE_JSON.
 * @throws {TypeError} for a bundle that did not come from `loadTrustBundle`, or a missing cache.
 * @see https://www.w3.org/TR/vc-bitstring-status-list/#validate-algorithm
 */
export async function syncStatus(
  bundle: Readonly<TrustBundle> | LoadedTrustBundle,
  options: SyncOptions,
): Promise<StatusSyncReport> {
  const trusted = 'status' in bundle && 'bundle' in bundle ? bundle.bundle : bundle;
  if (!isLoaded(trusted)) throw new TypeError('bundle must come from loadTrustBundle');
  if (!options?.cache) throw new TypeError('cache is required');
  nowMs(options.now);
  const concurrency = options.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new TypeError('concurrency must be an integer from 1 to 64');
  }
  const run: Run = {
    options,
    view: trustView(trusted),
    fetch: options.fetch ?? ((url, init) => globalThis.fetch(url, init)),
    incremental: options.incremental ?? true,
    stats: { requests: 0, bytes: 0, verified: 0, notModified: 0, skipped: 0 },
    results: [],
  };

  const tasks = new Map<string, Task>();
  const add = (url: string, issuer: BundleIssuer, indexed?: number) => {
    let task = tasks.get(url);
    if (!task) {
      task = { url, candidates: [] };
      tasks.set(url, task);
    }
    if (!task.candidates.includes(issuer)) task.candidates.push(issuer);
    if (indexed !== undefined) task.indexed = Math.max(task.indexed ?? 0, indexed);
  };
  for (const issuer of trusted.issuers) for (const url of issuer.statusLists ?? []) add(url, issuer);

  // Several ministries of one service share a prefix: one index request each.
  const byPrefix = new Map<string, BundleIssuer[]>();
  for (const issuer of trusted.issuers) {
    if (issuer.statusListPrefix === undefined) continue;
    byPrefix.set(issuer.statusListPrefix, [...(byPrefix.get(issuer.statusListPrefix) ?? []), issuer]);
  }
  await pool([...byPrefix], concurrency, async ([prefix, issuers]) => {
    try {
      const got = await fetchLimited(prefix, {
        fetch: run.fetch,
        timeoutMs: options.timeoutMs ?? 5000,
        maxBytes: VERIFIER_LIMITS.statusListIndex.maxBytes,
      });
      run.stats.requests += 1;
      if (got.status !== 200) throw new VneidError('STATUS_RETRIEVAL_ERROR', 'unexpected 304');
      run.stats.bytes += Buffer.byteLength(got.text);
      const index = parseStatusListIndex(got.text, prefix);
      for (const issuer of issuers) {
        for (const entry of index.get(issuer.id) ?? []) add(entry.url, issuer, entry.validFrom);
      }
    } catch (error) {
      run.stats.requests += 1;
      const e = toVneidError(error, 'STATUS_RETRIEVAL_ERROR', `status list index ${prefix} failed`);
      for (const issuer of issuers) {
        run.results.push({ url: prefix, issuer: issuer.id, result: 'failed', code: e.code, message: e.message });
      }
    }
  });

  await pool([...tasks.values()], concurrency, (task) => syncOne(run, task));
  // Requests finish in any order; report in the bundle's order (index failures first).
  const order = new Map([...tasks.keys()].map((url, i) => [url, i]));
  run.results.sort((a, b) => (order.get(a.url) ?? -1) - (order.get(b.url) ?? -1));
  return { ok: run.results.every((r) => r.result !== 'failed'), results: run.results, stats: run.stats };
}

interface Run {
  options: SyncOptions;
  view: TrustView;
  fetch: FetchLike;
  incremental: boolean;
  stats: StatusSyncStats;
  results: StatusSyncResult[];
}

/**
 * Stores a list this sync verified, and tells the check that the cache's
 * copy of it is verified; false when the cache kept the list it holds (one
 * at least as new, stored by another sync of the same cache meanwhile).
 */
async function putVerified(
  cache: SyncOptions['cache'],
  entry: CachedStatusList,
  replacing?: Readonly<CachedStatusList>,
): Promise<boolean> {
  const stored = await cache.put(entry, replacing ? { replacing } : {});
  if (stored) rememberVerified(await cache.get(entry.url), entry);
  return stored;
}

async function syncOne(run: Run, task: Task): Promise<void> {
  const { url } = task;
  const { options, stats } = run;
  let issuerId = task.candidates[0]?.id ?? '';
  try {
    const stored = await options.cache.get(url);
    // An entry edited on disk, or another list's entry copied under this URL's
    // key, is no list of this URL at all: the fresh one replaces it (and is
    // not refused as a "rollback" of what was swapped in).
    const held = stored && !(await cachedListProblem(stored, run.view, { url })) ? stored : undefined;
    const heldFrom = held ? (parseDateTime(held.validFrom) ?? 0) : 0;
    if (run.incremental && held && task.indexed !== undefined && task.indexed <= heldFrom) {
      // The index names the version we hold (or an older one, which would be refused anyway).
      stats.skipped += 1;
      run.results.push({ url, issuer: held.issuer, result: 'unchanged', validFrom: held.validFrom });
      return;
    }
    const got = await fetchLimited(url, {
      fetch: run.fetch,
      timeoutMs: options.timeoutMs ?? 5000,
      maxBytes: options.maxBytes ?? VERIFIER_LIMITS.statusList.maxBytes,
      ...(run.incremental && held?.etag ? { ifNoneMatch: held.etag } : {}),
    });
    stats.requests += 1;
    if (got.status === 304) {
      // What we hold was verified when it was stored; the server says it is current.
      stats.notModified += 1;
      run.results.push({ url, issuer: held!.issuer, result: 'unchanged', validFrom: held!.validFrom });
      return;
    }
    stats.bytes += Buffer.byteLength(got.text);
    const json = parseJsonSafely(got.text, VERIFIER_LIMITS.statusList);
    // The list's signed issuer picks among the bundle entries naming this URL;
    // verification refuses it when it is none of them.
    const signedIssuer = json && typeof json === 'object' ? idOf((json as Record<string, unknown>).issuer) : undefined;
    const issuer = task.candidates.find((c) => c.id === signedIssuer) ?? task.candidates[0]!;
    issuerId = issuer.id;
    stats.verified += 1;
    const entry = await verifyStatusListCredential(json, { url, issuer, view: run.view, now: options.now });
    if (got.etag) entry.etag = got.etag;
    // A list dated in the future would block every later update as a rollback.
    if ((parseDateTime(entry.validFrom) ?? 0) > nowMs(options.now) + FUTURE_TOLERANCE_MS) {
      throw new VneidError('STATUS_VERIFICATION_ERROR', `status list ${url} is dated in the future`, {
        details: { url, validFrom: entry.validFrom },
      });
    }
    if (held) {
      const newFrom = parseDateTime(entry.validFrom) ?? 0;
      const same = newFrom === heldFrom && held.encodedList === entry.encodedList;
      if (same) {
        // Keep the entity tag current so the next sync can ask "if none match".
        if (entry.etag && entry.etag !== held.etag) await putVerified(options.cache, { ...held, etag: entry.etag });
        run.results.push({ url, issuer: issuer.id, result: 'unchanged', validFrom: entry.validFrom });
        return;
      }
      // An older list (or another list of the same date) would let whoever
      // serves the URL undo a revocation: keep what we hold.
      if (newFrom <= heldFrom) {
        throw new VneidError('STATUS_LIST_ROLLBACK', `status list ${url} is not newer than the one held`, {
          details: { url, held: held.validFrom, received: entry.validFrom },
        });
      }
    }
    // The held entry was read before the fetch, maybe seconds ago: the cache
    // compares again as it stores (another sync may have stored a newer list).
    if (await putVerified(options.cache, entry, stored && !held ? stored : undefined)) {
      run.results.push({ url, issuer: issuer.id, result: 'updated', validFrom: entry.validFrom });
      return;
    }
    const kept = await options.cache.get(url);
    const keptFrom = parseDateTime(kept?.validFrom) ?? 0;
    const newFrom = parseDateTime(entry.validFrom) ?? 0;
    if (kept && keptFrom === newFrom && kept.encodedList !== entry.encodedList) {
      // What the order of the two syncs decided: had this one run second, the same refusal.
      throw new VneidError('STATUS_LIST_ROLLBACK', `status list ${url} is not newer than the one held`, {
        details: { url, held: kept.validFrom, received: entry.validFrom },
      });
    }
    // Not an error: the cache holds a list at least as new as this one.
    run.results.push({
      url,
      issuer: issuer.id,
      result: 'unchanged',
      validFrom: kept?.validFrom ?? entry.validFrom,
      message: 'the cache kept a newer list, stored by another sync meanwhile',
    });
  } catch (error) {
    const e = toVneidError(error, 'STATUS_RETRIEVAL_ERROR', `status list ${url} failed`);
    run.results.push({ url, issuer: issuerId, result: 'failed', code: e.code, message: e.message });
  }
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
