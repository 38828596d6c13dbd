import { parseDateTime } from './lib/dates.js';
import type { CachedStatusList } from './open-status-cache.js';

/** What a caller of `StatusCache.put` may say about the entry it replaces. */
export interface StatusCachePutOptions {
  /**
   * The entry the caller read for this URL and found to be no verified list
   * of it (edited on disk, or another list's entry copied under its key). It
   * is replaced whatever date it claims, but only while it is still the entry
   * held: a list another sync stored meanwhile is compared by date as usual.
   */
  replacing?: Readonly<CachedStatusList>;
}

/**
 * Whether a status cache may store `next` in place of `held`, the entry it
 * holds for the same URL: the rule every `StatusCache.put` applies, in the
 * same atomic step as its write. Only a newer list replaces a held one (by
 * `validFrom`), or the same list again (same date and bits: a new entity tag
 * or fetch time). Two syncs of one cache may overlap — each reads the held
 * list, fetches and verifies for seconds, then stores — and without this
 * rule the slower one would store the older list it fetched over the newer
 * one the other stored, taking a revocation out of the cache until the next
 * sync (hours, on a police device offline).
 *
 * @example
 * if (mayReplaceCachedList(await backing.get(entry.url), entry)) await backing.put(entry);
 */
export function mayReplaceCachedList(
  held: Readonly<CachedStatusList> | undefined,
  next: Readonly<CachedStatusList>,
  options: StatusCachePutOptions = {},
): boolean {
  // Nothing held, or an entry of another list copied under this URL's key: no list of this URL to protect.
  if (!held || held.url !== next.url) return true;
  if (options.replacing && sameEntry(held, options.replacing)) return true;
  const nextFrom = parseDateTime(next.validFrom);
  if (nextFrom === undefined) return false;
  // A held date that does not parse was not written by a sync (which verified it): it protects nothing.
  const heldFrom = parseDateTime(held.validFrom) ?? Number.NEGATIVE_INFINITY;
  return nextFrom > heldFrom || (nextFrom === heldFrom && next.encodedList === held.encodedList);
}

// The caller's copy is the cache's own object, or a copy read back from the
// same stored JSON (in the same member order): compared as JSON.
function sameEntry(a: Readonly<CachedStatusList>, b: Readonly<CachedStatusList>): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
