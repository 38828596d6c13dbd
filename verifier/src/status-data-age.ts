import type { StatusCache } from './open-status-cache.js';

/** How old the status data behind a verification is (what `vneid-verify` prints). */
export interface StatusDataAge {
  /** Each status list the document points to that the cache holds. */
  lists: Array<{ url: string; fetchedAt: string; validFrom: string; ageSeconds: number }>;
  /** Status lists the document points to that were never synced. */
  missing: string[];
  /** The oldest list's download time: the data is at least this old. */
  oldestFetchedAt: string | null;
  /** The oldest list's `validFrom` (when the issuer signed what the verifier holds). */
  oldestValidFrom: string | null;
  /** Seconds from `oldestFetchedAt` to the verification time (0 when that lies before it). */
  ageSeconds: number | null;
}

const MAX_URLS = 64;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

// The status list URLs of a credential, or of each credential of a presentation; the
// document is hostile, so only plain strings are taken and their number is capped.
function statusUrls(document: unknown): string[] {
  const urls = new Set<string>();
  const credentials = isObject(document) ? ([] as unknown[]).concat(document.verifiableCredential ?? document) : [];
  for (const credential of credentials.slice(0, MAX_URLS)) {
    if (!isObject(credential)) continue;
    for (const entry of ([] as unknown[]).concat(credential.credentialStatus ?? []).slice(0, MAX_URLS)) {
      if (isObject(entry) && typeof entry.statusListCredential === 'string' && urls.size < MAX_URLS) {
        urls.add(entry.statusListCredential);
      }
    }
  }
  return [...urls];
}

/**
 * The age of the cached status lists a credential or presentation refers to:
 * a verifier that has been offline for days should say so next to "valid".
 *
 * @example
 * const age = await statusDataAge(document, cache, new Date());
 * age.ageSeconds // 7200: the status data was downloaded two hours ago
 */
export async function statusDataAge(document: unknown, cache: StatusCache, now: Date): Promise<StatusDataAge> {
  const lists: StatusDataAge['lists'] = [];
  const missing: string[] = [];
  for (const url of statusUrls(document)) {
    const entry = await cache.get(url);
    if (!entry) {
      missing.push(url);
      continue;
    }
    const ageSeconds = Math.max(0, Math.floor((now.getTime() - Date.parse(entry.fetchedAt)) / 1000));
    lists.push({ url, fetchedAt: entry.fetchedAt, validFrom: entry.validFrom, ageSeconds });
  }
  const oldest = [...lists].sort((a, b) => Date.parse(a.fetchedAt) - Date.parse(b.fetchedAt))[0];
  const oldestValidFrom = [...lists].sort((a, b) => Date.parse(a.validFrom) - Date.parse(b.validFrom))[0];
  return {
    lists,
    missing,
    oldestFetchedAt: oldest?.fetchedAt ?? null,
    oldestValidFrom: oldestValidFrom?.validFrom ?? null,
    ageSeconds: oldest ? oldest.ageSeconds : null,
  };
}

/** "2 d 3 h", "5 h 12 min", "40 s": a short age for people. */
export function formatAge(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min`;
  return `${seconds} s`;
}
