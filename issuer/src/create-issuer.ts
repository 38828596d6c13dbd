import {
  type DidDocument,
  type DocumentLoader,
  type JsonLdContextDocument,
  type JsonObject,
  jsonDigest,
  type KeyType,
  MIN_STATUS_LIST_LENGTH,
  VneidError,
  W3C_CONTEXTS,
} from '@vneid/core';
import { type AddMinistryInput, addMinistry, type MinistryInfo, ministryInfo } from './add-ministry.js';
import { type BackupSummary, backupStorage } from './backup.js';
import { changeStatus, changeStatuses, requireRecord, type StatusAction, type StatusChange } from './change-status.js';
import { issue } from './issue.js';
import { type BatchResult, type IssueBatchOptions, issueBatch } from './issue-batch.js';
import { type GeneralIssueRequest, issueGeneral } from './issue-general.js';
import { createEncryptedKeyStore, type KeyStore } from './key-store.js';
import type { IssuerContext } from './lib/context.js';
import { auditRefusal, type IssueRequest } from './lib/issue-core.js';
import { requireMinistry } from './lib/keys.js';
import { didDocumentOf, issuerLoader, typeContexts } from './lib/loader.js';
import { type BackgroundErrorHandler, createStatusListRefresher } from './lib/status-list-refresher.js';
import { currentSignedList, type SignedList } from './lib/status-lists.js';
import { createStatusListIndexer } from './lib/stored-status-list-index.js';
import type { AuditEntry, IssuanceRecord, KeyRecord } from './lib/types.js';
import { DEFAULT_MAX_BACKDATING_SECONDS } from './lib/validity-policy.js';
import { createSigningPool } from './lib/worker-pool.js';
import { type RotateKeyOptions, rotateKey } from './rotate-key.js';
import { getStatusListCredential } from './status-list-credential.js';
import type { StatusListIndex } from './status-list-index.js';
import { auditChainKey } from './storage/audit-chain.js';
import type { ApiKeyRecord, IssuerStorage, RateLimitDecision, RateLimitRequest } from './storage/contract.js';
import type { IssuerDb } from './storage/leveldb/db.js';
import { StorageWriteError } from './storage/leveldb/group-commit.js';
import { type LevelDbStorage, openLevelDbStorage } from './storage/leveldb/leveldb-storage.js';
import { openPostgresStorage, type PostgresPoolOptions } from './storage/postgres/postgres-storage.js';
import { statusListIds, type TrustBundleIssuer, trustBundleIssuers } from './trust-bundle-issuers.js';
import { type AuditHead, type AuditVerification, auditHead, verifyAuditLog } from './verify-audit-log.js';

/** Options of {@link createIssuer}. */
export interface CreateIssuerOptions {
  /** Directory of the LevelDB (created if missing). One process at a time. The default engine. */
  dataDir?: string;
  /**
   * `postgres://…` (or `postgresql://…`): keep everything in PostgreSQL
   * instead, shared by any number of issuer processes (replicas). The
   * schema is created or migrated at start; a database whose schema is
   * newer than this code is refused with STORAGE_SCHEMA_TOO_NEW.
   */
  databaseUrl?: string;
  /** PostgreSQL pool settings (with `databaseUrl`). */
  database?: PostgresPoolOptions;
  /**
   * Re-sign the affected status lists inside revoke/suspend/reinstate.
   * Default true on LevelDB (as before), false on PostgreSQL, where a
   * status change is a row update and the list is rebuilt from the
   * database's bits when next served (by any replica).
   */
  publishOnChange?: boolean;
  /** Unlocks the encrypted key store. */
  passphrase: string;
  /** Public base URL, e.g. `https://issuer.example` or `http://127.0.0.1:8080`: DIDs and status list URLs derive from it. */
  baseUrl: string;
  /** Clock (tests freeze time through it). */
  now?: () => Date;
  /** Seconds a signed status list credential is valid; default one day. */
  statusListValidity?: number;
  /**
   * Seconds after signing at which an unchanged list is re-signed when next
   * served; default half of `statusListValidity`. Shorter keeps verifiers
   * further from expiry; every re-signing makes each verifier download the list again.
   */
  statusListRefresh?: number;
  /**
   * Seconds this process keeps the status list index (`GET /status-lists/`)
   * before reading the store again; default 5. 0 switches the cache off.
   * A status change made through this process shows at once; one made on
   * another replica within this time. At most 300.
   */
  statusListIndexCacheSeconds?: number;
  /**
   * Called when work this issuer does in the background fails — today the
   * re-signing of a status list found due by the index: the list's held copy
   * stays listed, and it is tried again after the error's `retryAfter`.
   * Default: one line on stderr with the list and the error code.
   */
  onBackgroundError?: BackgroundErrorHandler;
  /** Entries per status list; default and minimum 131,072 (herd privacy). */
  statusListLength?: number;
  /** Allocations after which a list is closed and a new one opened; default half the length. */
  maxAllocationsPerList?: number;
  /**
   * Worker threads that sign for this issuer's whole life (issue and
   * issueBatch), so a service uses its spare cores and its event loop stays
   * free while an ecdsa-sd-2023 proof is computed. Default 0: sign in the
   * calling thread (libraries, tests, CLIs); batches then start their own.
   */
  signingWorkers?: number;
  /**
   * How far in the past (seconds) a caller may set a credential's
   * `validFrom`; default one day. Bounds backdating: an older start is
   * VALIDITY_PERIOD_INVALID.
   */
  maxBackdatingSeconds?: number;
  /**
   * LevelDB: before serving, check that records, status allocations, the
   * audit tip and the last head exported beside the store agree, and refuse
   * to open with STORE_INCONSISTENT when they do not (lost writes; a status
   * index could be handed out twice). Default true; false opens a damaged
   * store for inspection (`verifyAuditLog`), never to serve.
   */
  checkConsistency?: boolean;
  /**
   * The last audit head exported off the machine (`auditHead()`, e.g. the
   * service's VNEID_AUDIT_ANCHOR_FILE). The store must reach it, or the
   * start is refused with STORE_INCONSISTENT (`details.check`
   * `audit-anchor`): a store restored from an old backup, or one that lost
   * its tail. On PostgreSQL the head's seq is compared (the hash when equal).
   */
  auditAnchor?: AuditHead;
  /**
   * JSON-LD contexts beyond the bundled W3C set that general credentials
   * (ministries with `allowGeneralCredentials`) may use. Each is pinned by
   * its `sha256-<base64>` digest (core's `jsonDigest`), checked at start;
   * they are served from memory, never fetched.
   */
  generalContexts?: GeneralContextPin[];
}

/** A context pinned by the operator for general credentials. */
export interface GeneralContextPin {
  url: string;
  document: JsonLdContextDocument;
  /** `sha256-<base64>` of the document's canonical JSON. */
  digest: string;
}

/** The issuer: ministries, keys, issuance, status and audit over one LevelDB. */
export interface Issuer {
  readonly baseUrl: string;
  /** Seconds after signing at which a served status list is re-signed (option `statusListRefresh`). */
  readonly statusListRefresh: number;
  addMinistry(input: AddMinistryInput): Promise<MinistryInfo>;
  getMinistry(slug: string): MinistryInfo;
  listMinistries(): MinistryInfo[];
  /** Same as {@link Issuer.rotateKey}: creates a key that becomes the signing key of its type. */
  createKey(slug: string, keyType?: KeyType, options?: RotateKeyOptions): Promise<KeyRecord>;
  /** A new signing key, now or staged (`activateAt`): see {@link rotateKey} for the trade-off. */
  rotateKey(slug: string, keyType?: KeyType, options?: RotateKeyOptions): Promise<KeyRecord>;
  issue(request: IssueRequest): Promise<JsonObject>;
  issueGeneral(request: GeneralIssueRequest): Promise<JsonObject>;
  issueBatch(requests: IssueRequest[], options?: IssueBatchOptions): Promise<BatchResult[]>;
  revoke(credentialId: string, reason?: string): Promise<StatusChange>;
  /** Revokes, suspends or reinstates many credentials in one call and one transaction: all or none. */
  changeStatus(credentialIds: string[], action: StatusAction, reason?: string): Promise<StatusChange[]>;
  suspend(credentialId: string, reason?: string): Promise<StatusChange>;
  reinstate(credentialId: string, reason?: string): Promise<StatusChange>;
  /** The issuance record (no personal data). @throws UNKNOWN_CREDENTIAL */
  getRecord(credentialId: string): Promise<IssuanceRecord>;
  /** Every issuance record, in id order. */
  listRecords(): Promise<IssuanceRecord[]>;
  /** Every issuance record, in id order, streamed (for large stores). */
  records(): AsyncIterable<IssuanceRecord>;
  getStatusListCredential(listId: string): Promise<JsonObject>;
  /** Like getStatusListCredential with the signing time and expiry, for HTTP caching. */
  getSignedStatusList(listId: string): Promise<SignedList>;
  /** The ids of the status lists published so far, of one ministry or all, in id order. */
  statusListIds(ministry?: string): string[];
  /**
   * The index `GET /status-lists/` serves, from the stored list metadata in
   * one storage read, kept for `statusListIndexCacheSeconds`; never signs
   * (due lists are re-signed in the background). See {@link statusListIndex}.
   * @throws STORAGE_UNAVAILABLE when the database cannot be read.
   */
  statusListIndex(): Promise<StatusListIndex>;
  /** Each status list with the number of indexes allocated in it (from the list counters, not the records). */
  statusListFill(): Promise<
    Array<{ listId: string; ministry: string; purpose: string; seq: number; allocated: number }>
  >;
  /** The ministry's DID document. @throws UNKNOWN_MINISTRY */
  didDocument(slug: string): DidDocument;
  trustBundleIssuers(): TrustBundleIssuer[];
  /** Re-verifies the keyed audit chain; pass the last head exported elsewhere as `anchor` to catch a cut tail. */
  verifyAuditLog(options?: { anchor?: AuditHead }): Promise<AuditVerification>;
  /**
   * Appends a security event (failed authentication, cross-ministry attempt,
   * rate-limit refusal) to the audit chain as `security-<kind>`. The HTTP
   * service bounds how many it records; `data` must hold no personal data.
   */
  recordSecurityEvent(kind: string, data: Record<string, unknown>): Promise<void>;
  /** The current audit head, to export regularly outside the issuer's folder. */
  auditHead(): AuditHead;
  /** Every audit entry in seq order, streamed (what a drill compares a backup against). */
  auditEntries(): AsyncIterable<AuditEntry>;
  /**
   * Writes a consistent backup of the LevelDB store to `file` while issuing
   * goes on (see backup.ts), authenticated by an HMAC keyed by this issuer's passphrase.
   * @throws BACKUP_UNSUPPORTED on PostgreSQL.
   */
  backup(options: { file: string }): Promise<BackupSummary>;
  /** The issuer's static loader (bundled and registered contexts, its own DIDs). */
  documentLoader(): DocumentLoader;
  /** The storage engine in use: `'leveldb'` or `'postgres'`. */
  readonly storageEngine: 'leveldb' | 'postgres';
  /** API keys kept in the storage (shared by every replica). */
  apiKeys(): Promise<ApiKeyRecord[]>;
  /** Adds an API key; one already stored (even revoked) is left as it is. */
  addApiKey(entry: ApiKeyRecord): Promise<void>;
  /** The stored key with this SHA-256, read now (revoked ones included: check `revokedAt`). */
  findApiKey(sha256: string): Promise<ApiKeyRecord | undefined>;
  /** Revokes the key with this id (first 16 hex digits of its SHA-256), audited; undefined when there is none. */
  revokeApiKey(id: string): Promise<ApiKeyRecord | undefined>;
  /**
   * One token-bucket step for `key`, in the storage: shared by every replica
   * on PostgreSQL, in this process on LevelDB (see {@link IssuerStorage.consumeRateLimit}).
   * @throws STORAGE_UNAVAILABLE when the database cannot be reached.
   */
  consumeRateLimit(key: string, request: RateLimitRequest): Promise<RateLimitDecision>;
  /** Appends an administrative event (no personal data) to the audit chain. */
  audit(event: string, data: Record<string, unknown>): Promise<void>;
  /** Durable state of asynchronous issuance batches (see the HTTP batch endpoint). */
  readonly batches: BatchStore;
  /** Runs `fn` while no other replica runs a section of the same name (first-start bootstrap). */
  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The storage operations of asynchronous batches, plus the idempotency lookup that holds each issued credential. */
export type BatchStore = Pick<
  IssuerStorage,
  | 'createBatch'
  | 'getBatch'
  | 'pendingBatchItems'
  | 'putBatchResult'
  | 'batchResults'
  | 'finishBatch'
  | 'unfinishedBatches'
  | 'findIdempotent'
>;

function checkOptions(o: CreateIssuerOptions): URL {
  if (!o || typeof o !== 'object') throw new TypeError('options are required');
  if (o.databaseUrl !== undefined) {
    if (typeof o.databaseUrl !== 'string' || !/^postgres(ql)?:\/\//.test(o.databaseUrl)) {
      throw new TypeError('databaseUrl must be a postgres:// URL');
    }
  } else if (typeof o.dataDir !== 'string' || o.dataDir.length === 0) {
    throw new TypeError('dataDir (or databaseUrl) is required');
  }
  if (typeof o.passphrase !== 'string' || o.passphrase.length === 0) throw new TypeError('passphrase is required');
  let url: URL;
  try {
    url = new URL(o.baseUrl);
  } catch {
    throw new TypeError('baseUrl must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('baseUrl must be http(s)');
  if (url.search || url.hash || url.username || url.password)
    throw new TypeError('baseUrl must be a plain origin and path');
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  if (o.statusListValidity !== undefined && (!Number.isInteger(o.statusListValidity) || o.statusListValidity < 60)) {
    throw new RangeError('statusListValidity must be an integer number of seconds, at least 60');
  }
  const validity = o.statusListValidity ?? 86_400;
  if (
    o.statusListRefresh !== undefined &&
    (!Number.isInteger(o.statusListRefresh) || o.statusListRefresh < 30 || o.statusListRefresh >= validity)
  ) {
    throw new RangeError(
      'statusListRefresh must be an integer number of seconds, at least 30 and below statusListValidity',
    );
  }
  const indexCache = o.statusListIndexCacheSeconds;
  if (indexCache !== undefined && (!Number.isInteger(indexCache) || indexCache < 0 || indexCache > 300)) {
    throw new RangeError('statusListIndexCacheSeconds must be an integer number of seconds from 0 (off) to 300');
  }
  if (o.onBackgroundError !== undefined && typeof o.onBackgroundError !== 'function') {
    throw new TypeError('onBackgroundError must be a function');
  }
  const length = o.statusListLength ?? MIN_STATUS_LIST_LENGTH;
  if (!Number.isInteger(length) || length < MIN_STATUS_LIST_LENGTH || length % 8 !== 0) {
    throw new RangeError(`statusListLength must be a multiple of 8, at least ${MIN_STATUS_LIST_LENGTH}`);
  }
  // Random allocation needs free room: past half a list, draws start to collide
  // often, and a cap at the length itself would loop forever on a full list.
  const cap = o.maxAllocationsPerList;
  if (cap !== undefined && (!Number.isInteger(cap) || cap < 1 || cap > length / 2)) {
    throw new RangeError('maxAllocationsPerList must be an integer between 1 and half the list length');
  }
  const backdating = o.maxBackdatingSeconds;
  if (backdating !== undefined && (!Number.isInteger(backdating) || backdating < 0)) {
    throw new RangeError('maxBackdatingSeconds must be a non-negative integer');
  }
  return url;
}

// Operator-pinned contexts: each must match its digest, and none may replace a bundled
// W3C context or a registered type's context (those have their own, fixed meaning).
function pinnedContexts(pins: GeneralContextPin[] | undefined): Map<string, JsonLdContextDocument> {
  const out = new Map<string, JsonLdContextDocument>();
  if (pins === undefined) return out;
  if (!Array.isArray(pins)) throw new TypeError('generalContexts must be an array');
  const taken = typeContexts();
  for (const pin of pins) {
    if (!pin || typeof pin.url !== 'string' || !/^https?:\/\//.test(pin.url)) {
      throw new TypeError('each general context needs an absolute http(s) url');
    }
    if (W3C_CONTEXTS.has(pin.url) || taken.has(pin.url) || out.has(pin.url)) {
      throw new TypeError(`general context ${pin.url.slice(0, 120)} is already defined`);
    }
    if (!pin.document || typeof pin.document !== 'object' || !('@context' in pin.document)) {
      throw new TypeError(`general context ${pin.url.slice(0, 120)} must be a JSON-LD context document`);
    }
    if (jsonDigest(pin.document) !== pin.digest) {
      throw new TypeError(`general context ${pin.url.slice(0, 120)} does not match its pinned digest`);
    }
    out.set(pin.url, deepFreeze(structuredClone(pin.document)));
  }
  return out;
}

// The default report of a background failure: the list and the code, nothing personal.
function reportOnStderr(error: unknown, about: { listId: string }): void {
  const code = (error as { code?: unknown })?.code;
  console.warn(
    `status list ${about.listId.slice(0, 80)} was not re-signed in the background (${typeof code === 'string' ? code : (error as Error)?.message}); its held copy stays listed`,
  );
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * Opens (or creates) an issuer over a LevelDB in `dataDir` (the default),
 * or over PostgreSQL at `databaseUrl` (shared by any number of replicas),
 * unlocking its key store with `passphrase`.
 *
 * @example
 * const issuer = await createIssuer({ dataDir: './data', passphrase, baseUrl: 'https://issuer.example' });
 * await issuer.addMinistry({ slug: 'bo-cong-an', name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' }, role: 'MinistryOfPublicSecurity' });
 * const vc = await issuer.issue({ ministry: 'bo-cong-an', type: 'CitizenIdentityCard', subject });
 * @throws {VneidError} DATABASE_LOCKED when another process or instance has the LevelDB open;
 *   KEYSTORE_LOCKED for a wrong passphrase; STORAGE_UNAVAILABLE when PostgreSQL cannot be reached;
 *   STORAGE_SCHEMA_TOO_NEW when its schema is newer than this code.
 * @throws {TypeError} {RangeError} for bad options.
 */
export async function createIssuer(options: CreateIssuerOptions): Promise<Issuer> {
  return openIssuer(options);
}

/**
 * {@link createIssuer} with the LevelDB opener passed in. Not exported from
 * the package: tests use it to wrap the real LevelDB's `batch` (to count
 * synced batches or make one fail through the real level API), and
 * `wrapStorage` to see (count, hold back, fail) the calls the issuer makes
 * on the real engine it opened, either engine.
 */
export async function openIssuer(
  options: CreateIssuerOptions,
  openDb?: (dataDir: string) => Promise<IssuerDb>,
  wrapStorage?: (storage: IssuerStorage) => IssuerStorage,
): Promise<Issuer> {
  const baseUrl = checkOptions(options);
  const statusListLength = options.statusListLength ?? MIN_STATUS_LIST_LENGTH;
  const signingWorkers = options.signingWorkers ?? 0;
  if (!Number.isInteger(signingWorkers) || signingWorkers < 0 || signingWorkers > 64) {
    throw new TypeError('signingWorkers must be an integer from 0 to 64');
  }
  const now = options.now ?? (() => new Date());
  const opened: IssuerStorage = options.databaseUrl
    ? await openPostgresStorage(options.databaseUrl, { ...options.database, now })
    : await openLevelDbStorage(options.dataDir as string, {
        ...(openDb ? { openDb } : {}),
        now,
        checkConsistency: options.checkConsistency ?? true,
        ...(options.auditAnchor ? { auditAnchor: options.auditAnchor } : {}),
      });
  const storage = wrapStorage ? wrapStorage(opened) : opened;
  let keyStore: KeyStore;
  let chainKey: Buffer;
  try {
    keyStore = await createEncryptedKeyStore(storage.keyStoreBackend(), options.passphrase);
    chainKey = await auditChainKey(storage, options.passphrase);
  } catch (error) {
    await storage.close();
    throw error;
  }
  storage.setAuditKey(chainKey);
  if (options.databaseUrl && options.auditAnchor && (options.checkConsistency ?? true)) {
    const head = await storage.loadAuditHead();
    const anchor = options.auditAnchor;
    if (anchor.seq > head.seq || (anchor.seq === head.seq && anchor.hash !== head.hash)) {
      await storage.close();
      throw new VneidError('STORE_INCONSISTENT', `the audit head (seq ${head.seq}) is behind the exported anchor`, {
        details: { check: 'audit-anchor', headSeq: head.seq, exportedSeq: anchor.seq },
      });
    }
  }
  const ctx: IssuerContext = {
    storage,
    keyStore,
    baseUrl,
    now,
    statusListValidity: options.statusListValidity ?? 86_400,
    statusListRefresh: options.statusListRefresh ?? Math.floor((options.statusListValidity ?? 86_400) / 2),
    statusListLength,
    maxAllocationsPerList: options.maxAllocationsPerList ?? Math.floor(statusListLength / 2),
    maxBackdatingSeconds: options.maxBackdatingSeconds ?? DEFAULT_MAX_BACKDATING_SECONDS,
    generalContexts: pinnedContexts(options.generalContexts),
    publishOnChange: options.publishOnChange ?? storage.engine === 'leveldb',
    auditChainKey: chainKey,
    keyCache: new Map(),
    closed: false,
  };
  if (signingWorkers > 0) ctx.signingPool = createSigningPool(signingWorkers, typeContexts());
  const refresher = createStatusListRefresher(ctx, { onError: options.onBackgroundError ?? reportOnStderr });
  const listIndex = createStatusListIndexer(ctx, {
    cacheSeconds: options.statusListIndexCacheSeconds ?? 5,
    refresher,
  });
  ctx.statusListsChanged = () => listIndex.invalidate();
  const writer = storage.engine === 'leveldb' ? (storage as LevelDbStorage).db.writer : undefined;
  const guard =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (ctx.closed) throw new Error('issuer is closed');
      return fn(...args);
    };
  // After a failed LevelDB write the writer refuses everything (fail-stop, see
  // group-commit.ts): refuse up front rather than validate, allocate and sign for nothing.
  const writing =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (ctx.closed) throw new Error('issuer is closed');
      const stopped = writer?.failure;
      if (stopped) throw new StorageWriteError('writes-stopped', { cause: stopped });
      return fn(...args);
    };
  return {
    baseUrl: baseUrl.toString().replace(/\/$/, ''),
    statusListRefresh: ctx.statusListRefresh,
    storageEngine: storage.engine,
    addMinistry: writing((input) => addMinistry(ctx, input)),
    getMinistry: (slug) => ministryInfo(requireMinistry(ctx, slug)),
    listMinistries: () => storage.ministries().map(ministryInfo),
    createKey: writing((slug, keyType, options) => rotateKey(ctx, slug, keyType, options)),
    rotateKey: writing((slug, keyType, options) => rotateKey(ctx, slug, keyType, options)),
    issue: writing((request) => issue(ctx, request)),
    issueGeneral: writing(async (request) => {
      try {
        return await issueGeneral(ctx, request);
      } catch (error) {
        // Refusals of general credentials are audited like those of citizen types.
        await auditRefusal(ctx, { ministry: request?.ministry, type: 'GeneralCredential' }, error);
        throw error;
      }
    }),
    issueBatch: writing((requests, o) => issueBatch(ctx, requests, o)),
    revoke: writing((id, reason) => changeStatus(ctx, id, 'revoke', reason)),
    suspend: writing((id, reason) => changeStatus(ctx, id, 'suspend', reason)),
    reinstate: writing((id, reason) => changeStatus(ctx, id, 'reinstate', reason)),
    changeStatus: writing((ids, action, reason) => changeStatuses(ctx, ids, action, reason)),
    getRecord: (id) => requireRecord(ctx, id),
    listRecords: async () => {
      const out: IssuanceRecord[] = [];
      for await (const r of storage.records()) out.push(r);
      return out;
    },
    records: () => storage.records(),
    getStatusListCredential: guard((listId) => getStatusListCredential(ctx, listId)),
    getSignedStatusList: guard((listId) => currentSignedList(ctx, listId)),
    statusListIds: (ministry?: string) => statusListIds(ctx, ministry),
    statusListIndex: guard(() => listIndex.get()),
    statusListFill: async () => {
      const allocated = new Map((await storage.statusListAllocations()).map((a) => [a.listId, a.allocated]));
      return storage.statusLists().map((m) => ({
        listId: m.listId,
        ministry: m.ministry,
        purpose: m.purpose,
        seq: m.seq,
        allocated: allocated.get(m.listId) ?? 0,
      }));
    },
    didDocument: (slug) => didDocumentOf(requireMinistry(ctx, slug)),
    trustBundleIssuers: () => trustBundleIssuers(ctx),
    verifyAuditLog: (o?: { anchor?: AuditHead }) => verifyAuditLog(ctx, o),
    auditHead: () => auditHead(ctx),
    recordSecurityEvent: writing(async (kind: string, data: Record<string, unknown>) => {
      if (typeof kind !== 'string' || !/^[a-z][a-z-]{0,40}$/.test(kind))
        throw new TypeError('kind must be a short kebab-case name');
      await storage.appendAudit({ event: `security-${kind}`, data });
    }),
    auditEntries: () => storage.auditEntries(),
    backup: guard((o: { file: string }) =>
      backupStorage(storage, {
        file: o?.file,
        dataDir: options.databaseUrl ? undefined : options.dataDir,
        now,
        // The store's passphrase keys the backup's HMAC: only its operator can make a backup that restores.
        passphrase: options.passphrase,
      }),
    ),
    documentLoader: () => issuerLoader(ctx),
    apiKeys: () => storage.apiKeys(),
    addApiKey: writing((entry: ApiKeyRecord) => storage.addApiKey(entry)),
    findApiKey: guard((sha256: string) => storage.findApiKey(sha256)),
    revokeApiKey: writing(async (id: string) => {
      const revoked = await storage.revokeApiKey(id, now().toISOString());
      if (revoked)
        await storage.appendAudit({ event: 'api-key.revoke', data: { keyId: id, ministry: revoked.ministry } });
      return revoked;
    }),
    consumeRateLimit: guard((key: string, request: RateLimitRequest) => storage.consumeRateLimit(key, request)),
    audit: writing((event: string, data: Record<string, unknown>) => storage.appendAudit({ event, data })),
    batches: {
      createBatch: writing((batch, items) => storage.createBatch(batch, items)),
      getBatch: guard((id) => storage.getBatch(id)),
      pendingBatchItems: guard((id) => storage.pendingBatchItems(id)),
      putBatchResult: writing((id, result) => storage.putBatchResult(id, result)),
      batchResults: guard((id) => storage.batchResults(id)),
      finishBatch: writing((id, at) => storage.finishBatch(id, at)),
      unfinishedBatches: guard(() => storage.unfinishedBatches()),
      findIdempotent: guard((ministry, key) => storage.findIdempotent(ministry, key)),
    },
    exclusive: (name, fn) => storage.exclusive(name, fn),
    async close() {
      if (ctx.closed) return;
      ctx.closed = true;
      await refresher.close();
      await ctx.signingPool?.close();
      await storage.close();
    },
  };
}
