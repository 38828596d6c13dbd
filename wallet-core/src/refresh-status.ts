import {
  assertSafeJson,
  decodeStatusList,
  type ErrorCode,
  idOf,
  type JsonObject,
  parseJsonSafely,
  parseStatusListIndex,
  type StatusPurpose,
  VneidError,
  verifyCredentialProof,
} from '@vneid/core';
import { type CredentialStatus, documentLoaderFor, type StoredSummary, type WalletState } from './lib/state.js';

/** Fetches a status list credential (JSON object or JSON text) by URL; all I/O is the caller's. */
export type StatusListFetcher = (url: string) => Promise<unknown>;

/** The outcome of {@link refreshStatus}; bad lists are reported, not thrown. */
export interface StatusRefreshSummary {
  checkedAt: string;
  /** Status list URLs fetched. */
  lists: number;
  credentials: Array<{ id: string; type: string; previous: CredentialStatus; status: CredentialStatus }>;
  errors: Array<{ url: string; code: ErrorCode; message: string; credentialIds: string[] }>;
}

// A list credential is larger than a citizen credential only by its encodedList.
const LIST_LIMITS = { maxBytes: 4 * 1024 * 1024, maxStringLength: 3 * 1024 * 1024 };

interface ListCheck {
  bits?: { getStatus(index: number): boolean; length: number };
  validFrom?: string;
  error?: VneidError;
}

/**
 * Refreshes the revocation and suspension status of every held credential:
 * fetches each status list once, checks it (it is the list the credential
 * names, of the right purpose, issued by the credential's own issuer, signed
 * by a key of that issuer resolved offline, currently valid, not older than a
 * list seen before), decodes it with the core's capped decoder and reads the
 * credential's bit with the strict index parser. Revocation is final: a
 * credential once seen revoked stays revoked. A credential whose lists could
 * not be checked keeps its previous status and the failure is reported.
 *
 * @example
 * const summary = await wallet.refreshStatus(async (url) => (await fetch(url)).json())
 * @returns per credential the previous and new status, and every failure with its code
 *   (STATUS_RETRIEVAL_ERROR, STATUS_VERIFICATION_ERROR, STATUS_LIST_LENGTH_ERROR, STATUS_LIST_ROLLBACK,
 *   PROOF_VERIFICATION_ERROR, DID_NOT_FOUND, MALFORMED_VALUE_ERROR, UNSAFE_JSON, INPUT_LIMIT_EXCEEDED).
 * @throws {VneidError} WALLET_LOCKED when closed.
 * @see https://www.w3.org/TR/vc-bitstring-status-list/#validate-algorithm
 */
export async function refreshStatus(
  state: WalletState,
  fetchStatusList: StatusListFetcher,
): Promise<StatusRefreshSummary> {
  if (typeof fetchStatusList !== 'function') throw new TypeError('fetchStatusList must be a function');
  const { vault } = state;
  const now = state.now();
  const summaries = (await vault.all<StoredSummary>('summary')).map((r) => r.value);

  // One fetch per URL; each (url, issuer, purpose) combination checked once.
  const fetched = new Map<string, Promise<{ value?: unknown; error?: VneidError }>>();
  const checks = new Map<string, Promise<ListCheck>>();
  const checkList = (url: string, issuer: string, purpose: StatusPurpose, lastSeen: string | undefined) => {
    const key = JSON.stringify([url, issuer, purpose, lastSeen ?? null]);
    let check = checks.get(key);
    if (!check) {
      let fetch = fetched.get(url);
      if (!fetch) {
        fetch = fetchOnce(fetchStatusList, url);
        fetched.set(url, fetch);
      }
      check = fetch.then((f) =>
        f.error ? { error: f.error } : validateList(state, f.value, { url, issuer, purpose, lastSeen, now }),
      );
      checks.set(key, check);
    }
    return check;
  };

  const errors = new Map<string, StatusRefreshSummary['errors'][number]>();
  const results: StatusRefreshSummary['credentials'] = [];
  const ops = [];
  for (const s of summaries) {
    let revoked = false;
    let suspended = false;
    let failed = false;
    const listsSeen = { ...s.listsSeen };
    for (const entry of s.statusEntries) {
      const check = await checkList(entry.listUrl, s.issuer, entry.purpose, s.listsSeen[entry.listUrl]);
      let error = check.error;
      if (!error && check.bits) {
        try {
          const bit = check.bits.getStatus(parseStatusListIndex(entry.index, check.bits.length));
          if (entry.purpose === 'revocation') revoked ||= bit;
          else suspended ||= bit;
          if (check.validFrom) listsSeen[entry.listUrl] = check.validFrom;
        } catch (e) {
          error = e as VneidError;
        }
      }
      if (error) {
        failed = true;
        const reported = errors.get(`${entry.listUrl} ${error.code}`) ?? {
          url: entry.listUrl,
          code: error.code,
          message: error.message,
          credentialIds: [],
        };
        if (!reported.credentialIds.includes(s.id)) reported.credentialIds.push(s.id);
        errors.set(`${entry.listUrl} ${error.code}`, reported);
      }
    }
    const status: CredentialStatus =
      s.status === 'revoked' || revoked ? 'revoked' : failed ? s.status : suspended ? 'suspended' : 'active';
    results.push({ id: s.id, type: s.type, previous: s.status, status });
    const updated: StoredSummary = {
      ...s,
      status,
      listsSeen,
      ...(failed ? {} : { statusCheckedAt: now.toISOString() }),
    };
    ops.push(vault.put('summary', s.id, updated));
  }
  await vault.write(ops);
  return { checkedAt: now.toISOString(), lists: fetched.size, credentials: results, errors: [...errors.values()] };
}

async function fetchOnce(
  fetchStatusList: StatusListFetcher,
  url: string,
): Promise<{ value?: unknown; error?: VneidError }> {
  try {
    return { value: await fetchStatusList(url) };
  } catch (cause) {
    return {
      error: new VneidError('STATUS_RETRIEVAL_ERROR', `could not fetch the status list ${url.slice(0, 200)}`, {
        cause,
      }),
    };
  }
}

async function validateList(
  state: WalletState,
  value: unknown,
  expect: { url: string; issuer: string; purpose: StatusPurpose; lastSeen: string | undefined; now: Date },
): Promise<ListCheck> {
  const fail = (code: ErrorCode, message: string): ListCheck => ({ error: new VneidError(code, message) });
  let list: JsonObject;
  try {
    let parsed = value;
    if (typeof value === 'string') parsed = parseJsonSafely(value, LIST_LIMITS);
    else assertSafeJson(value, LIST_LIMITS);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return fail('STATUS_VERIFICATION_ERROR', 'the status list is not a JSON object');
    }
    list = JSON.parse(JSON.stringify(parsed)) as JsonObject;
  } catch (error) {
    return { error: error as VneidError };
  }
  const types = list.type;
  if (!Array.isArray(types) || !types.includes('BitstringStatusListCredential')) {
    return fail('STATUS_VERIFICATION_ERROR', 'not a BitstringStatusListCredential');
  }
  // The list must be the one the credential names, not another list its host swapped in.
  if (list.id !== expect.url) return fail('STATUS_VERIFICATION_ERROR', 'the status list id is not the URL fetched');
  if (idOf(list.issuer) !== expect.issuer) {
    return fail('STATUS_VERIFICATION_ERROR', "the status list is not issued by the credential's issuer");
  }
  const subject = list.credentialSubject as JsonObject | undefined;
  if (subject?.type !== 'BitstringStatusList' || subject.statusPurpose !== expect.purpose) {
    return fail('STATUS_VERIFICATION_ERROR', `the status list is not a ${expect.purpose} list`);
  }
  const t = expect.now.getTime();
  const validFrom = typeof list.validFrom === 'string' ? list.validFrom : undefined;
  if (!validFrom || Number.isNaN(Date.parse(validFrom)) || Date.parse(validFrom) > t) {
    return fail('STATUS_VERIFICATION_ERROR', 'the status list has no validFrom in the past');
  }
  if (list.validUntil !== undefined && !(typeof list.validUntil === 'string' && Date.parse(list.validUntil) > t)) {
    return fail('STATUS_VERIFICATION_ERROR', 'the status list has expired');
  }
  // A host replaying an older, validly signed list could un-suspend a credential.
  if (expect.lastSeen !== undefined && Date.parse(validFrom) < Date.parse(expect.lastSeen)) {
    return fail('STATUS_LIST_ROLLBACK', 'the status list is older than one seen before');
  }
  const proof = await verifyCredentialProof({ credential: list, documentLoader: documentLoaderFor(state) });
  if (!proof.verified) return { error: proof.error ?? new VneidError('PROOF_VERIFICATION_ERROR', 'bad proof') };
  try {
    return { bits: decodeStatusList(subject.encodedList), validFrom };
  } catch (error) {
    return { error: error as VneidError };
  }
}
