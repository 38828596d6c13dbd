/**
 * @vneid/verifier — offline verification of VNeID credentials and
 * presentations: signed trust bundle, status cache (the one online step),
 * verification with bilingual reports, a W3C VC API router and a CLI.
 *
 * @packageDocumentation
 */
export type { AccountabilityEntry } from './accountability-log.js';
export { createAccountabilityLog, verifyAccountabilityLog } from './accountability-log.js';
export type { BuildPresentationRequestOptions } from './build-presentation-request.js';
export { buildPresentationRequest } from './build-presentation-request.js';
export type { ChallengeStore, ConsumeContext } from './challenge-store.js';
export { createChallengeStore, createUsedChallengeStore } from './challenge-store.js';
export { createTrustBundle } from './create-trust-bundle.js';
export { VERIFIER_LIMITS } from './lib/limits.js';
export type { CommonVerifyOptions } from './lib/options.js';
export type { ProfileRules, VerificationProfile } from './lib/profiles.js';
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
export type {
  AuthorizationRequestOutcome,
  CreatedAuthorizationRequest,
  Oid4vpVerifier,
  Oid4vpVerifierOptions,
} from './oid4vp/create-oid4vp-verifier.js';
export { createOid4vpVerifier } from './oid4vp/create-oid4vp-verifier.js';
export type { RequestSigningKey } from './oid4vp/request-signing-key.js';
export { createRequestSigningKey } from './oid4vp/request-signing-key.js';
export type { AuthorizationRequestRecord, AuthorizationRequestStore } from './oid4vp/request-store.js';
export { createMemoryRequestStore } from './oid4vp/request-store.js';
export type { ChallengeLog } from './open-challenge-log.js';
export { openChallengeLog } from './open-challenge-log.js';
export type { CachedStatusList, StatusCache } from './open-status-cache.js';
export { openStatusCache } from './open-status-cache.js';
export { signTrustBundle } from './sign-trust-bundle.js';
export type { StatusDataAge } from './status-data-age.js';
export { formatAge, statusDataAge } from './status-data-age.js';
export type { FetchLike, StatusSyncReport, StatusSyncResult, StatusSyncStats } from './sync-status.js';
export { syncStatus } from './sync-status.js';
export type {
  BilingualText,
  BundleIssuer,
  BundleVerificationMethod,
  Check,
  CheckName,
  CheckResult,
  DisclosedClaim,
  DisclosedCredential,
  LoadedTrustBundle,
  TrustBundle,
  TrustBundleProof,
  UnknownPolicy,
  VerificationPolicy,
  VerificationReport,
} from './types.js';
export { CHECK_NAMES } from './types.js';
export type { VerifierRouterOptions } from './verifier-router.js';
export { createVerifierRouter } from './verifier-router.js';
export type { VerifyCredentialOptions } from './verify-credential.js';
export { verifyCredential } from './verify-credential.js';
export type { VerifyPresentationOptions } from './verify-presentation.js';
export { verifyPresentation } from './verify-presentation.js';
