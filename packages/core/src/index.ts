export { canonize } from './canonize.js';
export type { JsonLdContextDocument } from './contexts.js';

export {
  BITSTRING_STATUS_LIST_V1_CONTEXT_URL,
  CREDENTIALS_V1_CONTEXT_URL,
  CREDENTIALS_V2_CONTEXT_URL,
  contextDigests,
  DATA_INTEGRITY_V2_CONTEXT_URL,
  DID_V1_CONTEXT_URL,
  MULTIKEY_V1_CONTEXT_URL,
  W3C_CONTEXTS,
} from './contexts.js';
export type { DcqlCredentialQuery, DcqlQuery } from './dcql-query.js';
export { dcqlQueryFor, parseDcqlQuery, presentationRequestFromDcql } from './dcql-query.js';
export type { DidDocument, MultikeyVerificationMethod } from './did/did-document.js';
export { createDidDocument } from './did/did-document.js';
export { didKeyFromPublicKey, keyTypeOfMultibase, resolveDidKey } from './did/did-key.js';
export { didWebFromHost, didWebToUrl } from './did/did-web.js';
export type { OfflineDidResolver } from './did/offline-resolver.js';
export { createOfflineDidResolver } from './did/offline-resolver.js';
export { countDisclosedStatements } from './disclosure-count.js';
export type { DocumentLoader, DocumentLoaderOptions, RemoteDocument } from './document-loader.js';
export { createDocumentLoader } from './document-loader.js';
export type { ErrorCode, VneidErrorOptions } from './errors.js';
export {
  ContextNotAllowedError,
  DidNotFoundError,
  ERROR_CODES,
  hasCode,
  InputLimitError,
  InvalidKeyError,
  JsonLdSafeModeError,
  MalformedValueError,
  ProofGenerationError,
  ProofVerificationError,
  SchemaValidationError,
  StatusListLengthError,
  StatusRetrievalError,
  StatusVerificationError,
  UnknownCredentialTypeError,
  UnsafeJsonError,
  VneidError,
} from './errors.js';
export { isFetchableUrl } from './fetchable-url.js';
export { idOf } from './id-of.js';
export type { PublicJwk } from './jose-keys.js';
export { didKeyToPublicJwk, jwsAlgorithmOf, privateKeyObjectOf } from './jose-keys.js';
export type { ExportedKeyPair, KeyPair, KeyType, Signer } from './keys.js';
export { generateKeyPair, importKeyPair } from './keys.js';
export { decodeBase58, encodeBase58 } from './lib/base58.js';
export { jsonDigest, sha256Hex } from './lib/bytes.js';
export { canonicalJson } from './lib/canonical-json.js';
export { findVneidError, toVneidError } from './lib/find-error.js';
export { MANDATORY_POINTERS, mandatoryPointersFor, pointerResolves, selectablePointer } from './mandatory-pointers.js';
export { assertSafePointers } from './pointers.js';
export type { CredentialQuery, NormalizedPresentationRequest, PresentationRequest } from './presentation-request.js';
export { parsePresentationRequest, selectivePointersFor } from './presentation-request.js';
export { cborldTableStrings, VNEID_CBORLD_REGISTRY_ENTRY_ID } from './qr/codec-table.js';
export type { QrPartCollector, QrPartCollectorOptions, QrPartProgress } from './qr/collect-parts.js';
export { createQrPartCollector } from './qr/collect-parts.js';
export type { QrKind } from './qr/frame.js';
export type { QrLimits } from './qr/limits.js';
export { DEFAULT_PART_CAPACITY, DEFAULT_QR_LIMITS } from './qr/limits.js';
export type { DecodePresentationQrOptions, EncodePresentationQrOptions } from './qr/presentation-qr.js';
export { decodePresentationQr, encodePresentationQr } from './qr/presentation-qr.js';
export type { QrErrorCorrection } from './qr/qr-image.js';
export { qrSymbolOf, readQrImage } from './qr/qr-image.js';
export { decodeRequestQr, encodeRequestQr } from './qr/request-qr.js';
export type { RelyingPartyRegistration } from './relying-party.js';
export { fieldsBeyondRegistration } from './relying-party.js';
export type { JsonLimits } from './safe-json.js';
export { assertSafeJson, DEFAULT_JSON_LIMITS, findDuplicateKey, parseJsonSafely } from './safe-json.js';
export type { DeriveCredentialOptions, JsonObject, SignCredentialOptions } from './sign-credential.js';
export { deriveCredential, signCredential } from './sign-credential.js';
export { signPresentation } from './sign-presentation.js';
export type { BitstringStatusList, StatusPurpose } from './status-list.js';
export {
  createStatusList,
  decodeStatusList,
  encodeStatusList,
  MAX_STATUS_LIST_BYTES,
  MIN_STATUS_LIST_LENGTH,
  parseStatusListIndex,
} from './status-list.js';
export { createStatusListCredential } from './status-list-credential.js';
export type { CryptosuiteName } from './suites.js';
export {
  CRYPTOSUITES,
  createDerivingSuite,
  createSigningSuite,
  createVerifyingSuites,
  isCryptosuiteName,
  KEY_TYPE_OF_SUITE,
  KEY_TYPES_OF_SUITE,
} from './suites.js';
export type { TrustBundleIssuer, TrustBundleVerificationMethod } from './trust-bundle-issuer.js';
export type { ProofCheckResult, SingleProof, VerifyCredentialProofOptions } from './verify-proof.js';
export {
  sdProofKind,
  singleProof,
  verifyCredentialProof,
  verifyPresentationProof,
} from './verify-proof.js';
