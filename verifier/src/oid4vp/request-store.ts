import type { DcqlCredentialQuery, ErrorCode } from '@vneid/core';
import type { VerificationReport } from '../types.js';

/** One OpenID4VP authorization request a verifier made, and what became of it. */
export interface AuthorizationRequestRecord {
  id: string;
  clientId: string;
  nonce: string;
  state: string;
  /** The DCQL credential queries, with the purpose shown to the citizen. */
  queries: Array<DcqlCredentialQuery & { reason: string }>;
  /** The signed request object served at the request URI. */
  requestJwt: string;
  /** ms since the epoch. */
  createdAt: number;
  expiresAt: number;
  status: 'pending' | 'verified' | 'refused';
  /** Codes of a refusal: never the presented data. */
  codes?: ErrorCode[];
  /** The verification report of an accepted presentation (disclosed claims included). */
  report?: VerificationReport;
}

/**
 * Where a verifier keeps its outstanding authorization requests. `close`
 * is the single-use gate: it moves a pending request to its outcome once and
 * answers false for every later call.
 */
export interface AuthorizationRequestStore {
  put(record: AuthorizationRequestRecord): void | Promise<void>;
  get(id: string): AuthorizationRequestRecord | undefined | Promise<AuthorizationRequestRecord | undefined>;
  close(
    id: string,
    outcome: Pick<AuthorizationRequestRecord, 'status' | 'codes' | 'report'>,
  ): boolean | Promise<boolean>;
}

/**
 * The in-memory request store (one process; a restart forgets outstanding
 * requests, and their citizens simply scan a new QR). At most `maxEntries`
 * requests are kept; expired ones go first, then the oldest. Put a shared
 * store (database) behind the same interface for several replicas.
 *
 * @example
 * const requests = createMemoryRequestStore({ maxEntries: 10_000 })
 */
export function createMemoryRequestStore(
  options: { maxEntries?: number; now?: () => Date } = {},
): AuthorizationRequestStore {
  const { maxEntries = 100_000, now = () => new Date() } = options;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new TypeError('maxEntries must be a positive integer');
  const records = new Map<string, AuthorizationRequestRecord>();
  // Kept a while after expiry so that a late answer is told EXPIRED (or USED), not UNKNOWN.
  const GRACE_MS = 3_600_000;
  return {
    put(record) {
      const at = now().getTime();
      for (const [id, r] of records) if (r.expiresAt + GRACE_MS <= at) records.delete(id);
      while (records.size >= maxEntries) records.delete(records.keys().next().value as string);
      records.set(record.id, structuredClone(record));
    },
    get(id) {
      const r = records.get(id);
      return r && structuredClone(r);
    },
    close(id, outcome) {
      const r = records.get(id);
      if (r?.status !== 'pending') return false;
      records.set(id, { ...r, ...structuredClone(outcome) });
      return true;
    },
  };
}
