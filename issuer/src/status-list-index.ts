import { idOf } from '@vneid/core';
import type { Issuer } from './create-issuer.js';

/** The status list index served at the lists' prefix (see the verifier's status-list-index.ts). */
export interface StatusListIndex {
  type: 'StatusListIndex';
  /** Issuer DID → list name (the last path segment of its URL) → `validFrom` of its current signed version. */
  issuers: Record<string, Record<string, string>>;
}

/**
 * The index of every published status list, by issuer DID: what
 * `GET /status-lists/` serves, for a caller that serves lists another way
 * (a test, a static mirror). Reading it re-signs lists that are due.
 */
export async function statusListIndex(
  issuer: Pick<Issuer, 'getSignedStatusList' | 'statusListIds'>,
): Promise<StatusListIndex> {
  const issuers: Record<string, Record<string, string>> = {};
  for (const listId of issuer.statusListIds()) {
    const signed = await issuer.getSignedStatusList(listId);
    const did = idOf(signed.credential.issuer);
    const url = typeof signed.credential.id === 'string' ? signed.credential.id : '';
    if (did === undefined || url === '') continue;
    issuers[did] ??= {};
    issuers[did][url.slice(url.lastIndexOf('/') + 1)] = signed.signedAt;
  }
  return { type: 'StatusListIndex', issuers };
}
