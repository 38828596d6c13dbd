/**
 * @vneid/verifier/browser — the verification path without node-only
 * modules (no LevelDB, express, CLI or challenge store): load a signed trust
 * bundle, sync status lists into an injected cache, verify credentials and
 * presentations with the same checks and codes as the main entry.
 *
 * @packageDocumentation
 */

export type { BuildPresentationRequestOptions } from './build-presentation-request.js';
export { buildPresentationRequest } from './build-presentation-request.js';
export type { ChallengeStore } from './challenge-store.js';
export { createChallengeStore } from './challenge-store.js';
export { isBundleStale, loadTrustBundle } from './load-trust-bundle.js';
export type { StatusCachePutOptions } from './may-replace-cached-list.js';
export { mayReplaceCachedList } from './may-replace-cached-list.js';
export { createMemoryStatusCache } from './memory-status-cache.js';
export type { RequestJwtSigner, SignedAuthorizationRequestOptions } from './oid4vp/authorization-request.js';
export { createSignedAuthorizationRequest } from './oid4vp/authorization-request.js';
export type {
  AuthorizationRequestBinding,
  AuthorizationResponseVerdict,
  VerifyAuthorizationResponseOptions,
} from './oid4vp/authorization-response.js';
export {
  parseAuthorizationResponseForm,
  presentationFromResponse,
  verifyAuthorizationResponse,
} from './oid4vp/authorization-response.js';
export type { CachedStatusList, StatusCache } from './open-status-cache.js';
export type { FetchLike, StatusSyncReport, StatusSyncResult } from './sync-status.js';
export { syncStatus } from './sync-status.js';
export type {
  BilingualText,
  Check,
  CheckName,
  CheckResult,
  DisclosedClaim,
  DisclosedCredential,
  LoadedTrustBundle,
  TrustBundle,
  VerificationReport,
} from './types.js';
export { CHECK_NAMES } from './types.js';
export type { VerifyCredentialOptions } from './verify-credential.js';
export { verifyCredential } from './verify-credential.js';
export type { VerifyPresentationOptions } from './verify-presentation.js';
export { verifyPresentation } from './verify-presentation.js';
