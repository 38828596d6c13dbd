import { type ErrorCode, parseJsonSafely, toVneidError, VneidError } from '@vneid/core';
import { isLoaded } from './lib/bundle-registry.js';
import { cachedListProblem } from './lib/cached-list-check.js';
import { nowMs, parseDateTime } from './lib/dates.js';
import { type FetchLike, fetchLimited } from './lib/limited-fetch.js';
import { STATUS_LIST_JSON_LIMITS, verifyStatusListCredential } from './lib/status-list-credential.js';
import { trustView } from './lib/trust-view.js';
import type { StatusCache } from './open-status-cache.js';
import type { LoadedTrustBundle, TrustBundle } from './types.js';

/** The outcome of syncing one status list URL. */
export interface StatusSyncResult {
  url: string;
  issuer: string;
  result: 'updated' | 'unchanged' | 'failed';
  code?: ErrorCode;
  message?: string;
  validFrom?: string;
}

/** The outcome of a sync: one entry per status list URL of the bundle. */
export interface StatusSyncReport {
  ok: boolean;
  results: StatusSyncResult[];
}

export type { FetchLike };

/** Clocks drift: a list may be dated up to five minutes ahead of ours. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * The one online step: downloads every status list the bundle names,
 * verifies each against the bundle (issuer, key, window, proof, size caps),
 * refuses lists older than the one held, and stores the rest with synced
 * writes. Verification afterwards reads only the cache. One list failing does
 * not stop the others; the report names each.
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
  options: {
    cache: StatusCache;
    now: Date;
    /** Default: global fetch. Limits and redirect policy apply to any fetch. */
    fetch?: FetchLike;
    timeoutMs?: number;
    maxBytes?: number;
  },
): Promise<StatusSyncReport> {
  const trusted = 'status' in bundle && 'bundle' in bundle ? bundle.bundle : bundle;
  if (!isLoaded(trusted)) throw new TypeError('bundle must come from loadTrustBundle');
  if (!options?.cache) throw new TypeError('cache is required');
  nowMs(options.now);
  const view = trustView(trusted);
  const doFetch: FetchLike = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  const results: StatusSyncResult[] = [];
  for (const issuer of trusted.issuers) {
    for (const url of issuer.statusLists) {
      try {
        const text = await fetchLimited(url, {
          fetch: doFetch,
          timeoutMs: options.timeoutMs ?? 5000,
          maxBytes: options.maxBytes ?? STATUS_LIST_JSON_LIMITS.maxBytes,
        });
        const json = parseJsonSafely(text, STATUS_LIST_JSON_LIMITS);
        const entry = await verifyStatusListCredential(json, { url, issuer, view, now: options.now });
        // A list dated in the future would block every later update as a rollback.
        if ((parseDateTime(entry.validFrom) ?? 0) > nowMs(options.now) + FUTURE_TOLERANCE_MS) {
          throw new VneidError('STATUS_VERIFICATION_ERROR', `status list ${url} is dated in the future`, {
            details: { url, validFrom: entry.validFrom },
          });
        }
        const stored = await options.cache.get(url);
        // An entry edited on disk is no list at all: the fresh one replaces it.
        const held = stored && !(await cachedListProblem(stored, view)) ? stored : undefined;
        if (held) {
          const heldFrom = parseDateTime(held.validFrom) ?? 0;
          const newFrom = parseDateTime(entry.validFrom) ?? 0;
          const same = newFrom === heldFrom && held.encodedList === entry.encodedList;
          if (same) {
            results.push({ url, issuer: issuer.id, result: 'unchanged', validFrom: entry.validFrom });
            continue;
          }
          // An older list (or another list of the same date) would let whoever
          // serves the URL undo a revocation: keep what we hold.
          if (newFrom <= heldFrom) {
            throw new VneidError('STATUS_LIST_ROLLBACK', `status list ${url} is not newer than the one held`, {
              details: { url, held: held.validFrom, received: entry.validFrom },
            });
          }
        }
        await options.cache.put(entry);
        results.push({ url, issuer: issuer.id, result: 'updated', validFrom: entry.validFrom });
      } catch (error) {
        const e = toVneidError(error, 'STATUS_RETRIEVAL_ERROR', `status list ${url} failed`);
        results.push({ url, issuer: issuer.id, result: 'failed', code: e.code, message: e.message });
      }
    }
  }
  return { ok: results.every((r) => r.result !== 'failed'), results };
}
