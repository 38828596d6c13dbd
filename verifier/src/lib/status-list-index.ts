import { MalformedValueError, parseJsonSafely } from '@vneid/core';
import { parseDateTime } from './dates.js';
import { VERIFIER_LIMITS } from './limits.js';
import { listUrl } from './status-list-prefix.js';

/** One list an index announces: its URL and the `validFrom` of its current signed version. */
export interface IndexedList {
  url: string;
  validFrom: number;
}

/**
 * Reads the status list index served at a prefix:
 * `{ "type": "StatusListIndex", "issuers": { "<issuer id>": { "<list name>": "<validFrom>" } } }`.
 * Names are single path segments under the prefix; anything else is refused
 * as a whole (a server that sends one bad name is not a server to half-trust).
 *
 * The index is not signed, on purpose: it only tells the verifier which
 * lists to look at and which versions it already holds. Every list fetched
 * because of it is verified in full (issuer, key, proof, prefix, rollback),
 * and a lying index can only make the verifier skip a download — which
 * anyone able to alter the index can already do by dropping the connection,
 * and which the lists' `validUntil` and the verifier's `maxAge` turn into
 * `unknown`, never into `valid`. A signature would add a signing step per
 * change for every ministry without protecting anything more.
 *
 * @throws {VneidError} MALFORMED_VALUE_ERROR, UNSAFE_JSON, INPUT_LIMIT_EXCEEDED.
 */
export function parseStatusListIndex(text: string, prefix: string): Map<string, IndexedList[]> {
  const value = parseJsonSafely(text, VERIFIER_LIMITS.statusListIndex) as Record<string, unknown>;
  function bad(what: string): never {
    throw new MalformedValueError(`status list index at ${prefix.slice(0, 200)}: ${what}`, {
      details: { url: prefix },
    });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) bad('not a JSON object');
  if (value.type !== 'StatusListIndex') bad('type must be "StatusListIndex"');
  const issuers = value.issuers;
  if (!issuers || typeof issuers !== 'object' || Array.isArray(issuers)) bad('issuers must be an object');
  const byIssuer = new Map<string, IndexedList[]>();
  for (const [issuerId, lists] of Object.entries(issuers as Record<string, unknown>)) {
    if (!lists || typeof lists !== 'object' || Array.isArray(lists)) bad('each issuer maps list names to dates');
    const entries: IndexedList[] = [];
    for (const [name, date] of Object.entries(lists as Record<string, unknown>)) {
      const url = listUrl(prefix, name);
      const validFrom = parseDateTime(date);
      if (url === undefined) bad(`list name is not one plain path segment: ${name.slice(0, 80)}`);
      if (validFrom === undefined) bad(`validFrom of ${name.slice(0, 80)} is not a date-time`);
      entries.push({ url, validFrom });
    }
    byIssuer.set(issuerId, entries);
  }
  return byIssuer;
}
