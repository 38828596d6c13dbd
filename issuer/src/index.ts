/**
 * @vneid/issuer — ministries sign VNeID credentials, record them in LevelDB
 * (no personal data), publish Bitstring Status Lists and serve a W3C VC API
 * style HTTP service.
 *
 * @packageDocumentation
 */
export type { AddMinistryInput, MinistryInfo } from './add-ministry.js';
export type { BackupAuthenticity, BackupInfo, BackupSummary, RestoreBackupOptions } from './backup.js';
export { inspectBackup, restoreBackup } from './backup.js';
export type { StatusAction, StatusChange } from './change-status.js';
export type { BatchStore, CreateIssuerOptions, Issuer } from './create-issuer.js';
export { createIssuer } from './create-issuer.js';
/** The development ministries that `--dev-bootstrap` creates (slug, bilingual names, role). */
export { DEV_MINISTRIES } from './dev/bootstrap.js';
export type { DrillCheck, DrillOptions, DrillReport, RecoveryPoint } from './drill.js';
export { runDrill } from './drill.js';
export { authenticateAdmin, mountAdminRoutes } from './http/admin-routes.js';
export { generateApiKey, hashApiKey } from './http/auth.js';
export { DEFAULT_BATCH_LIMITS, mountBatchRoutes, parseBatch } from './http/batch-routes.js';
export type { AsyncBatchStatus, BatchItemOutcome, BatchRunner, BatchRunnerOptions } from './http/batch-runner.js';
export { createBatchRunner } from './http/batch-runner.js';
export type { ApiKeyEntry, BatchLimits, CreateAppOptions, RateLimitOptions } from './http/create-app.js';
export { createApp } from './http/create-app.js';
export type { Oid4vciRateLimitOptions } from './http/oid4vci-routes.js';
export { openApiDocument } from './http/openapi.js';
export type { StatusListSource } from './http/public-routes.js';
export { statusListRouter } from './http/public-routes.js';
export type { VerifyRelayOptions } from './http/verify-relay.js';
export { mountVerifyRelay } from './http/verify-relay.js';
export type { BatchProgress, BatchResult, IssueBatchOptions } from './issue-batch.js';
export { WORKER_BATCH_THRESHOLD } from './issue-batch.js';
export type { GeneralIssueRequest } from './issue-general.js';
export type { KeyStore, KeyStoreBackend } from './key-store.js';
export { createEncryptedKeyStore } from './key-store.js';
export type { IssueRequest } from './lib/issue-core.js';
export type { BackgroundErrorHandler } from './lib/status-list-refresher.js';
export type { SignedList } from './lib/status-lists.js';
export type {
  AuditEntry,
  CredentialState,
  IssuanceRecord,
  KeyRecord,
  StatusListMeta,
  StatusSlot,
} from './lib/types.js';
export type { Monitoring, MonitoringOptions, RequestOutcome } from './monitoring/monitoring.js';
export { createMonitoring, STORAGE_ERROR_CODES } from './monitoring/monitoring.js';
export type { Readiness } from './monitoring/readiness.js';
export { checkReadiness } from './monitoring/readiness.js';
export type {
  CreatedOffer,
  OfferInput,
  Oid4vciService,
  Oid4vciServiceOptions,
} from './oid4vci/create-oid4vci-service.js';
export { createOid4vciService } from './oid4vci/create-oid4vci-service.js';
export type { Oid4vciEndpoints } from './oid4vci/metadata.js';
export type { OfferRecord, OfferState, OfferStore } from './oid4vci/offer-store.js';
export { createMemoryOfferStore } from './oid4vci/offer-store.js';
export type { RotateKeyOptions } from './rotate-key.js';
export type { ServerOptions, StartedServer } from './server.js';
export { startServer } from './server.js';
export type { StatusListIndex, StatusListIndexSource } from './status-list-index.js';
export { statusListIndex } from './status-list-index.js';
export type { AuditVerification } from './storage/audit-chain.js';
export type {
  ApiKeyRecord,
  AuditHead,
  BatchItemResult,
  BatchRecord,
  IssuerStorage,
  RateLimitDecision,
  RateLimitRequest,
  StatusListSummary,
} from './storage/contract.js';
export { apiKeyId } from './storage/contract.js';
export type { TrustBundleIssuer } from './trust-bundle-issuers.js';
