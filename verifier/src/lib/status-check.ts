import {
  type BitstringStatusList,
  decodeStatusList,
  type ErrorCode,
  parseStatusListIndex,
  toVneidError,
} from '@vneid/core';
import type { CachedStatusList, StatusCache } from '../open-status-cache.js';
import { cachedListProblem } from './cached-list-check.js';
import { parseDateTime } from './dates.js';
import { keyWindowProblem } from './key-window.js';
import { namesStatusList } from './status-list-prefix.js';
import type { TrustView } from './trust-view.js';

/** The outcome of one status purpose. */
export interface StatusOutcome {
  result: 'valid' | 'invalid' | 'unknown' | 'skipped';
  code?: ErrorCode;
  detail?: string;
}

const RANK = { skipped: 0, valid: 1, unknown: 2, invalid: 3 } as const;

// Decoding inflates up to 2 MiB; a verifier checks the same few lists over
// and over, so keep the last few decoded ones, keyed by their exact content.
const decoded = new Map<string, BitstringStatusList>();
function decode(entry: Readonly<CachedStatusList>): BitstringStatusList {
  const key = entry.encodedList;
  let list = decoded.get(key);
  if (!list) {
    list = decodeStatusList(entry.encodedList);
    if (decoded.size >= 32) decoded.delete(decoded.keys().next().value as string);
    decoded.set(key, list);
  }
  return list;
}

// The cache hands out the same frozen entry until a sync replaces it: its
// decoded list and parsed dates are worked out once per entry.
interface PreparedList {
  list: BitstringStatusList;
  until: number | undefined;
  from: number;
}
const prepared = new WeakMap<Readonly<CachedStatusList>, PreparedList>();
function prepare(entry: Readonly<CachedStatusList>): PreparedList {
  let ready = prepared.get(entry);
  if (!ready) {
    ready = { list: decode(entry), until: parseDateTime(entry.validUntil), from: parseDateTime(entry.validFrom) ?? 0 };
    if (Object.isFrozen(entry)) prepared.set(entry, ready);
  }
  return ready;
}

/**
 * Reads the status bits of a credential for `purpose` from the cache only.
 * The bit is read here, never through vc-bitstring-status-list's checker
 * (TRAPS: it reports a revoked credential as verified). A revocation bit is
 * final, so it counts even in a stale list; anything else in a stale or
 * missing list is `unknown`.
 */
export async function checkStatusPurpose(
  credentialStatus: unknown,
  purpose: 'revocation' | 'suspension',
  options: { issuerId: string; cache: StatusCache; view: TrustView; now: number; maxAgeSeconds?: number },
): Promise<StatusOutcome> {
  const entries = (Array.isArray(credentialStatus) ? credentialStatus : [credentialStatus]).filter(
    (e): e is Record<string, unknown> =>
      !!e && typeof e === 'object' && (e as Record<string, unknown>).statusPurpose === purpose,
  );
  let worst: StatusOutcome = { result: 'skipped' };
  for (const entry of entries) {
    const outcome = await checkEntry(entry, purpose, options);
    if (RANK[outcome.result] > RANK[worst.result]) worst = outcome;
  }
  return worst;
}

async function checkEntry(
  entry: Record<string, unknown>,
  purpose: 'revocation' | 'suspension',
  options: { issuerId: string; cache: StatusCache; view: TrustView; now: number; maxAgeSeconds?: number },
): Promise<StatusOutcome> {
  if (entry.type !== 'BitstringStatusListEntry' || typeof entry.statusListCredential !== 'string') {
    return { result: 'invalid', code: 'MALFORMED_VALUE_ERROR', detail: 'credentialStatus entry is malformed' };
  }
  const url = entry.statusListCredential;
  const held = await options.cache.get(url);
  if (!held) return { result: 'unknown', code: 'STATUS_UNKNOWN', detail: `status list ${url} is not in the cache` };
  // Checked before anything else reads the entry: another list's genuine entry
  // copied under this URL's key on disk is tampering, not a status.
  if (held.url !== url) {
    return {
      result: 'invalid',
      code: 'STATUS_VERIFICATION_ERROR',
      detail: `status list ${url}: the cached entry is the list ${held.url}`,
    };
  }
  if (held.issuer !== options.issuerId || held.statusPurpose !== purpose) {
    return {
      result: 'invalid',
      code: 'STATUS_VERIFICATION_ERROR',
      detail: `status list ${url} is not a ${purpose} list of the credential's issuer`,
    };
  }
  // The bundle may have changed since the sync (key marked compromised, list
  // withdrawn): the held list must still be vouched for by the bundle in use.
  const key = options.view.keyFor(held.verificationMethod, held.issuer);
  const issuer = options.view.issuers.get(held.issuer);
  if (
    !key ||
    !issuer ||
    key.publicKeyMultibase !== held.publicKeyMultibase ||
    !namesStatusList(issuer, url) ||
    keyWindowProblem(key, held.proofCreated)
  ) {
    return { result: 'unknown', code: 'STATUS_UNKNOWN', detail: `status list ${url} is no longer vouched for` };
  }
  const tampered = await cachedListProblem(held, options.view, { url });
  if (tampered)
    return { result: 'invalid', code: 'STATUS_VERIFICATION_ERROR', detail: `status list ${url}: ${tampered}` };
  let bit: boolean;
  let until: number | undefined;
  let from: number;
  try {
    const ready = prepare(held);
    ({ until, from } = ready);
    bit = ready.list.getStatus(parseStatusListIndex(entry.statusListIndex, ready.list.length));
  } catch (error) {
    const e = toVneidError(error, 'STATUS_VERIFICATION_ERROR', 'status entry cannot be read');
    return { result: 'invalid', code: e.code, detail: e.message };
  }
  if (bit && purpose === 'revocation') return { result: 'invalid', code: 'CREDENTIAL_REVOKED' };
  const stale =
    (until !== undefined && options.now >= until) ||
    (options.maxAgeSeconds !== undefined && options.now - from > options.maxAgeSeconds * 1000);
  if (stale) return { result: 'unknown', code: 'STATUS_UNKNOWN', detail: `status list ${url} is out of date` };
  if (bit) return { result: 'invalid', code: 'CREDENTIAL_SUSPENDED' };
  return { result: 'valid' };
}
