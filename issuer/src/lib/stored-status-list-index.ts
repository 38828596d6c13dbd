import type { StatusListIndex } from '../status-list-index.js';
import type { StatusListSummary } from '../storage/contract.js';
import { type IssuerContext, statusListUrl } from './context.js';
import type { StatusListRefresher } from './status-list-refresher.js';

/** The issuer's own status list index, built from stored metadata and kept briefly (see {@link createStatusListIndexer}). */
export interface StatusListIndexer {
  /** The index now: the kept one while it is younger than the cache lifetime, else a fresh one. */
  get(): Promise<StatusListIndex>;
  /** Drops the kept index: this process changed a list (a status change, a new ministry). */
  invalidate(): void;
}

/**
 * The index `GET /status-lists/` serves, built from one storage read
 * (`statusListSummaries`: ids, change counters and the dates of the stored
 * copies, never the copies), so its cost is one statement whatever the
 * number of lists, and it never signs (see status-list-refresher.ts).
 *
 * The index is kept for `cacheSeconds` (the service's
 * VNEID_STATUS_LIST_INDEX_CACHE_SECONDS; 0 switches the cache off: every
 * request reads the store), and requests arriving while it is being built
 * share that build. A status change made through this process drops it at
 * once; one acknowledged by another replica shows here within
 * `cacheSeconds`. The age is measured on the issuer's clock.
 */
export function createStatusListIndexer(
  ctx: IssuerContext,
  options: { cacheSeconds: number; refresher: StatusListRefresher },
): StatusListIndexer {
  const lifetime = options.cacheSeconds * 1000;
  // A build started before a change must not become the kept index, nor be shared with a later request.
  let generation = 0;
  let kept: { index: StatusListIndex; at: number; generation: number } | undefined;
  let building: { index: Promise<StatusListIndex>; generation: number } | undefined;

  return {
    async get() {
      if (lifetime === 0) return buildIndex(ctx, options.refresher);
      const now = ctx.now().getTime();
      if (kept && kept.generation === generation && now >= kept.at && now - kept.at < lifetime) return kept.index;
      if (building && building.generation === generation) return building.index;
      const mine = generation;
      const build = async (): Promise<StatusListIndex> => {
        try {
          const built = await buildIndex(ctx, options.refresher);
          if (generation === mine) kept = { index: built, at: now, generation: mine };
          return built;
        } finally {
          // Settled either way; a failed build is not kept, the next request tries again.
          if (building?.generation === mine) building = undefined;
        }
      };
      building = { index: build(), generation: mine };
      return building.index;
    },
    invalidate() {
      generation += 1;
      kept = undefined;
    },
  };
}

/**
 * What the index says of each list, and why:
 * - a copy that holds every status change and has not expired: its
 *   `signedAt` (the verifier skips the list when it holds that version).
 *   Past the refresh period it is still listed — it stays valid until
 *   `validUntil` (by default twice the refresh period) — and the list goes
 *   to the background refresher; once re-signed, the index names the new
 *   copy and verifiers fetch it.
 * - no copy, a copy that lacks a status change, or an expired copy: a date
 *   just after that copy (and not before now), so that every verifier,
 *   whatever it holds, fetches the list — `GET /status-lists/:id` builds
 *   it from the database's bits — and the list goes to the refresher too.
 *   A revocation is thus never hidden behind an old date, and no request
 *   waits for it to be signed.
 */
async function buildIndex(ctx: IssuerContext, refresher: StatusListRefresher): Promise<StatusListIndex> {
  const summaries = await ctx.storage.statusListSummaries();
  const dids = new Map(ctx.storage.ministries().map((m) => [m.slug, m.did]));
  const now = ctx.now().getTime();
  const due: string[] = [];
  const issuers: Record<string, Record<string, string>> = {};
  // Same order as statusListIds(): the same lists give the same body, and so the same ETag.
  summaries.sort((a, b) => a.listId.localeCompare(b.listId));
  for (const list of summaries) {
    // A ministry another replica added a moment ago: listed once this replica's cache has it.
    const did = dids.get(list.ministry);
    if (did === undefined) continue;
    const url = statusListUrl(ctx, list.listId);
    issuers[did] ??= {};
    issuers[did][url.slice(url.lastIndexOf('/') + 1)] = announce(ctx, list, now, due);
  }
  if (due.length > 0) refresher.schedule(due);
  // Kept and handed to every caller for a while: nobody may change it.
  for (const lists of Object.values(issuers)) Object.freeze(lists);
  return Object.freeze({ type: 'StatusListIndex', issuers: Object.freeze(issuers) });
}

function announce(ctx: IssuerContext, list: StatusListSummary, now: number, due: string[]): string {
  const signedAt = list.signedAt === undefined ? Number.NaN : Date.parse(list.signedAt);
  const validUntil = list.validUntil === undefined ? Number.NaN : Date.parse(list.validUntil);
  const held = Number.isFinite(signedAt) && Number.isFinite(validUntil);
  if (!held || list.version !== list.publishedVersion || now >= validUntil) {
    due.push(list.listId);
    return new Date(Math.max(now, held ? signedAt + 1 : 0)).toISOString();
  }
  // As currentSignedList decides: the refresh period, capped by the copy's own validity.
  if (now >= signedAt + Math.min(ctx.statusListRefresh * 1000, validUntil - signedAt)) due.push(list.listId);
  return list.signedAt as string;
}
