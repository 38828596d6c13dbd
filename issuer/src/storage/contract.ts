import type { JsonObject, StatusPurpose } from '@vneid/core';
import type { KeyStoreBackend } from '../key-store.js';
import type {
  AuditEntry,
  CredentialState,
  IssuanceRecord,
  MinistryRecord,
  StatusListMeta,
  StatusSlot,
} from '../lib/types.js';

/**
 * The issuer's storage contract: everything the issuer keeps, as the
 * operations its steps need. Each method is one atomic, durable unit: when
 * it resolves, its change (and the audit entry describing it) survives a
 * crash; when it rejects, none of it is applied.
 *
 * Two engines implement it: `leveldb/` (one process, the zero-setup default)
 * and `postgres/` (any number of replicas on one PostgreSQL). Concurrency is
 * the engine's business: LevelDB is single-process and serialises through
 * one in-process section and one writer (group commit); PostgreSQL decides
 * with transactions, row locks and unique constraints, never in-process locks.
 *
 * The sync getters (`ministries`, `statusLists`, `auditHead`) read a cache
 * that the engine keeps current with its own writes and, for PostgreSQL,
 * refreshes from the database (other replicas' writes appear within
 * `refreshMs`); every decision that matters (a key still active, a free
 * index, the audit tip) is re-read inside the writing transaction.
 */
export interface IssuerStorage {
  /** `'leveldb'` or `'postgres'`. */
  readonly engine: StorageEngineName;

  // --- settings shared by all replicas -------------------------------------------------------
  /** The value of setting `name`, creating it with `create()` when absent; the first writer wins everywhere. */
  setting(name: string, create: () => string): Promise<string>;
  /** Runs `fn` while no other replica runs a section of the same `name` (first-start bootstrap). */
  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T>;

  // --- ministries and key metadata ------------------------------------------------------------
  /** Every ministry (cached). */
  ministries(): MinistryRecord[];
  /** The ministry as stored now (not the cache). */
  getMinistry(slug: string): Promise<MinistryRecord | undefined>;
  /**
   * Adds a ministry with its first status lists, audited; when the slug
   * exists, changes nothing and returns the stored one (`created: false`).
   */
  addMinistry(record: MinistryRecord, lists: StatusListMeta[], audit: AuditAppend): Promise<AddMinistryResult>;
  /**
   * Changes a ministry's keys: `change` runs with the stored record locked
   * (no other replica changes it meanwhile) and returns the new record and
   * the audit entry, or `undefined` to change nothing.
   */
  updateMinistry(
    slug: string,
    change: (current: MinistryRecord) => Promise<{ record: MinistryRecord; audit: AuditAppend } | undefined>,
  ): Promise<MinistryRecord>;
  /** Where the encrypted key store keeps its sealed records (shared by every replica). */
  keyStoreBackend(): KeyStoreBackend;

  // --- issuance -------------------------------------------------------------------------------
  /**
   * Reserves one random index, never handed out before (by any replica,
   * before or after a restart), in the ministry's current list of each
   * purpose; a list past `maxAllocationsPerList` is closed and the standby
   * list after it becomes current (and a new standby is opened).
   */
  reserveSlots(ministry: string, policy: AllocationPolicy): Promise<{ revocation: StatusSlot; suspension: StatusSlot }>;
  /**
   * Records an issuance and its audit entry. With `idempotency`, the key is
   * stored in the same unit: when that (ministry, key) is already taken,
   * nothing is written and the stored entry is returned instead. Refused
   * with KEY_RETIRED when, by the keys as stored at that moment, `record.keyId`
   * is not the key whose turn it is at `record.issuedAt` (a rotation reached
   * the database meanwhile; see lib/key-windows.ts), and with
   * CREDENTIAL_ID_CONFLICT when a record with `record.id` is already stored
   * (or being stored by a concurrent call): decided in the same atomic unit
   * as the write, so a record is never overwritten and nothing of the
   * refused write lands. The status slots reserved for a refused write are
   * abandoned, as after a crash between `reserveSlots` and this call: on
   * LevelDB they were never written (its start check finds no allocation
   * without a record), on PostgreSQL they stay allocated and unused.
   * Precedence: an idempotency key already taken wins (its entry is returned).
   */
  recordIssuance(write: IssuanceWrite): Promise<StoredIdempotent | undefined>;
  /** The credential stored under an idempotency key of a ministry. */
  findIdempotent(ministry: string, key: string): Promise<StoredIdempotent | undefined>;
  getRecord(credentialId: string): Promise<IssuanceRecord | undefined>;
  /** Every record in credential-id order, streamed. */
  records(): AsyncIterable<IssuanceRecord>;

  // --- status ---------------------------------------------------------------------------------
  /**
   * Applies status changes to many credentials in one unit: each record is
   * read locked, `decide` returns its new state and audit entry (or
   * throws, which rolls back all of them); the status bits follow the
   * state (revocation set iff revoked, suspension set iff suspended) and
   * each touched list's change counter goes up.
   */
  changeStatus(
    credentialIds: string[],
    decide: (record: IssuanceRecord) => { state: CredentialState; audit: AuditAppend },
    at: string,
  ): Promise<IssuanceRecord[]>;

  // --- status lists ---------------------------------------------------------------------------
  /** Every status list (cached). */
  statusLists(): StatusListMeta[];
  /**
   * Indexes allocated so far in each list, read from the lists' own
   * counters: monitoring's fill gauge, which must not load every issuance
   * record (millions at national scale) on each scrape.
   */
  statusListAllocations(): Promise<Array<{ listId: string; allocated: number }>>;
  getStatusList(listId: string): Promise<StatusListMeta | undefined>;
  /** The last published copy of a list and whether changes came after it. */
  publishedList(listId: string): Promise<PublishedState>;
  /** The set indexes of a list and its change counter, read together (one snapshot). */
  listBits(listId: string): Promise<{ version: number; indexes: number[] }>;
  /**
   * Stores a signed list built from the bits at change counter `version`.
   * Refused (false) when the list changed since, or a copy dated at or after
   * this one is already published: no replica ever publishes a newer list
   * that lacks an acknowledged change.
   */
  publishList(listId: string, signed: SignedList, version: number): Promise<boolean>;

  // --- audit ----------------------------------------------------------------------------------
  /** Gives the engine the chain's HMAC key (derived from the passphrase once the database is open). */
  setAuditKey(key: Buffer): void;
  /** Appends one audit entry on its own, durably. */
  appendAudit(audit: AuditAppend): Promise<void>;
  /** The last durable head this process saw (cached; an anchor to export). */
  auditHead(): AuditHead;
  /** The stored head now. */
  loadAuditHead(): Promise<AuditHead>;
  /** Every entry in seq order, streamed (constant memory). */
  auditEntries(): AsyncIterable<AuditEntry>;

  // --- API keys -------------------------------------------------------------------------------
  /** Every API key, revoked ones included (their `revokedAt` set), oldest first. */
  apiKeys(): Promise<ApiKeyRecord[]>;
  /** Adds a key; a key whose SHA-256 is already stored is left as it is (a revoked key stays revoked). */
  addApiKey(entry: ApiKeyRecord): Promise<void>;
  /** The key stored under this SHA-256 (hex), read now: what authentication decides on. */
  findApiKey(sha256: string): Promise<ApiKeyRecord | undefined>;
  /** Marks the key with this id ({@link apiKeyId}) revoked at `at`; undefined when there is none. Idempotent. */
  revokeApiKey(id: string, at: string): Promise<ApiKeyRecord | undefined>;

  // --- rate limits shared by every replica -----------------------------------------------------
  /**
   * One token-bucket step for `key` (an API key's SHA-256): refill since the
   * last step, cap at `burst`, take `tokens` (default 1) if there are that
   * many. Atomic across replicas: N replicas together allow a key `burst`
   * requests at once and `perSecond` after, not N times that. `now` is the
   * caller's clock (ms); time going backwards refills nothing.
   */
  consumeRateLimit(key: string, request: RateLimitRequest): Promise<RateLimitDecision>;

  // --- asynchronous issuance batches ----------------------------------------------------------
  /** Stores a batch and its item requests in one durable unit. */
  createBatch(batch: BatchRecord, items: JsonObject[]): Promise<void>;
  getBatch(id: string): Promise<BatchRecord | undefined>;
  /** The item requests not yet answered, in index order (empty once the batch is finished). */
  pendingBatchItems(id: string): Promise<Array<{ index: number; item: JsonObject }>>;
  /** Records one item's result durably; a second result for the same item is ignored (first wins). */
  putBatchResult(id: string, result: BatchItemResult): Promise<void>;
  /** The results so far, in index order. */
  batchResults(id: string): Promise<BatchItemResult[]>;
  /** Marks a batch finished and drops its item requests (they carry personal data; the results stay). */
  finishBatch(id: string, at: string): Promise<void>;
  /** Batches not finished yet (to resume after a restart). */
  unfinishedBatches(): Promise<BatchRecord[]>;

  /** Re-reads the caches from the database now (PostgreSQL; a no-op for LevelDB). */
  refresh(): Promise<void>;
  /** Waits for in-flight writes and releases the database. */
  close(): Promise<void>;

  /**
   * Every status list's publication state, without the signed copies
   * themselves, in one read (one statement on PostgreSQL): what the status
   * list index is built from. A list appears here once created (published
   * or not), including lists other replicas created after this one's
   * caches were filled. `version` is read no earlier than the copy, so a
   * change the copy lacks always shows as `version > publishedVersion`.
   */
  statusListSummaries(): Promise<StatusListSummary[]>;
}

export type StorageEngineName = 'leveldb' | 'postgres';

/** One step of a token bucket ({@link IssuerStorage.consumeRateLimit}). */
export interface RateLimitRequest {
  /** Tokens in a full bucket (a positive integer). */
  burst: number;
  /** Tokens added per second (positive). */
  perSecond: number;
  /** The caller's clock, in milliseconds since the epoch. */
  now: number;
  /** Tokens to take; default 1. Negative gives them back (capped at `burst`): `-burst` refills the bucket. */
  tokens?: number;
}

/** The outcome of one token-bucket step. */
export interface RateLimitDecision {
  /** Whether the tokens were taken. */
  allowed: boolean;
  /** Whole tokens left after the step. */
  remaining: number;
  /** When refused: seconds until enough tokens are back (at least 1); 0 when allowed. */
  retryAfterSeconds: number;
}

/** One audit entry to append: the engine gives it its seq, time, prevHash and keyed hash. */
export interface AuditAppend {
  event: string;
  data: Record<string, unknown>;
}

/** Head of the audit chain. */
export interface AuditHead {
  seq: number;
  hash: string;
}

export interface AddMinistryResult {
  record: MinistryRecord;
  created: boolean;
}

export interface AllocationPolicy {
  length: number;
  maxAllocationsPerList: number;
  /** Clock for new lists' `createdAt`. */
  now: () => Date;
}

export interface IssuanceWrite {
  record: IssuanceRecord;
  audit: AuditAppend;
  idempotency?: { key: string; requestDigest: string; credential: JsonObject };
}

/** What an idempotency key holds: the digest of the request and the credential it produced. */
export interface StoredIdempotent {
  requestDigest: string;
  credential: JsonObject;
}

/** A signed status list credential as stored. */
export interface SignedList {
  credential: JsonObject;
  signedAt: string;
  validUntil: string;
}

export interface PublishedState {
  signed: SignedList | undefined;
  /** Change counter the published copy was built at (0 when none). */
  publishedVersion: number;
  /** Change counter now. */
  version: number;
}

/** An API key as stored: the ministry it acts for and the SHA-256 (hex) of the key. */
export interface ApiKeyRecord {
  ministry: string;
  sha256: string;
  /** When it was added (absent on keys stored before this was recorded). */
  createdAt?: string;
  /** Set once the key is revoked: it no longer authenticates. */
  revokedAt?: string;
}

/**
 * The public id of an API key: the first 16 hex digits of its SHA-256, as
 * the access log shows them. Names a key to list or revoke it without
 * revealing anything usable.
 */
export function apiKeyId(sha256: string): string {
  return sha256.slice(0, 16);
}

/** An asynchronous issuance batch as stored. */
export interface BatchRecord {
  id: string;
  ministry: string;
  total: number;
  createdAt: string;
  /** Set when every item has its result. */
  finishedAt?: string;
}

/** One batch item's outcome: the credential's id (the credential itself sits under the item's idempotency key) or the problem. */
export type BatchItemResult =
  | { index: number; status: 'issued'; credentialId: string; idempotencyKey: string }
  | {
      index: number;
      status: 'refused';
      problem: { code: string; detail: string; violations?: unknown[]; pointer?: string };
    };

export type { StatusPurpose };

/** One status list's publication state without its signed copy ({@link IssuerStorage.statusListSummaries}). */
export interface StatusListSummary {
  listId: string;
  /** Slug of the ministry the list belongs to. */
  ministry: string;
  /** Change counter now. */
  version: number;
  /** Change counter the published copy was built at (0 when none). */
  publishedVersion: number;
  /** `signedAt` of the published copy (its `validFrom`); absent when none is published. */
  signedAt?: string;
  /** `validUntil` of the published copy; absent when none is published. */
  validUntil?: string;
}
