import { idOf } from '@vneid/core';
import type { Issuer } from './create-issuer.js';

/** The status list index served at the lists' prefix (see the verifier's status-list-index.ts). */
export interface StatusListIndex {
  type: 'StatusListIndex';
  /**
   * Issuer DID → list name (the last path segment of its URL) → `validFrom`
   * of its current signed version; for a list changed since that version
   * (or never signed, or expired), a later date: the version verifiers
   * should fetch is newer than any they hold.
   */
  issuers: Record<string, Record<string, string>>;
}

/** What {@link statusListIndex} reads: an issuer, or any source of signed lists (a test, a static mirror). */
export type StatusListIndexSource = Pick<Issuer, 'getSignedStatusList' | 'statusListIds'> &
  Partial<Pick<Issuer, 'statusListIndex'>>;

/**
 * The index of every published status list, by issuer DID: what
 * `GET /status-lists/` serves, for a caller that serves lists another way
 * (a test, a static mirror).
 *
 * An issuer answers from its stored list metadata in one storage read, kept
 * for `statusListIndexCacheSeconds`, and never signs while answering: a list
 * due for re-signing is listed with its held (still valid) copy and
 * re-signed in the background, and a list changed since its copy is
 * announced as newer, so verifiers fetch it (see
 * lib/stored-status-list-index.ts). Any other source is read list by list;
 * a list it cannot give is left out rather than failing the whole index
 * (verifiers keep what they hold of it).
 *
 * @example
 * const index = await statusListIndex(issuer);
 * @throws {VneidError} STORAGE_UNAVAILABLE when the issuer's database cannot be read.
 */
export async function statusListIndex(source: StatusListIndexSource): Promise<StatusListIndex> {
  if (typeof source.statusListIndex === 'function') return source.statusListIndex();
  const issuers: Record<string, Record<string, string>> = {};
  for (const listId of source.statusListIds()) {
    const signed = await source.getSignedStatusList(listId).catch(() => undefined);
    if (signed === undefined) continue;
    const did = idOf(signed.credential.issuer);
    const url = typeof signed.credential.id === 'string' ? signed.credential.id : '';
    if (did === undefined || url === '') continue;
    issuers[did] ??= {};
    issuers[did][url.slice(url.lastIndexOf('/') + 1)] = signed.signedAt;
  }
  return { type: 'StatusListIndex', issuers };
}
