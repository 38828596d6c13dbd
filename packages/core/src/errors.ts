/**
 * Every stable error code raised by the VNeID packages, in one union so that
 * callers can switch over them exhaustively. Codes never change meaning; new
 * failures get new codes. W3C names are reused where the specifications have
 * them (VC Data Model 2.0 §7.1, Bitstring Status List §3.5).
 */
export const ERROR_CODES = [
  // W3C-defined
  'PROOF_VERIFICATION_ERROR',
  'PROOF_GENERATION_ERROR',
  'MALFORMED_VALUE_ERROR',
  'STATUS_RETRIEVAL_ERROR',
  'STATUS_VERIFICATION_ERROR',
  'STATUS_LIST_LENGTH_ERROR',
  // JSON-LD processing and input hygiene
  'CONTEXT_NOT_ALLOWED',
  'JSONLD_SAFE_MODE_ERROR',
  'UNSAFE_JSON',
  'INPUT_LIMIT_EXCEEDED',
  'DID_NOT_FOUND',
  'INVALID_KEY',
  // documents and schemas
  'UNKNOWN_CREDENTIAL_TYPE',
  'SCHEMA_VALIDATION_ERROR',
  'CREDENTIAL_TYPE_CONFLICT',
  // issuer
  'MINISTRY_CONFLICT',
  'UNKNOWN_STATUS_LIST',
  'UNSUPPORTED_MEDIA_TYPE',
  'NOT_FOUND',
  'INTERNAL_ERROR',
  'ISSUER_NOT_AUTHORIZED',
  'UNKNOWN_MINISTRY',
  'UNKNOWN_CREDENTIAL',
  'STATUS_TRANSITION_ERROR',
  'KEY_RETIRED',
  'KEYSTORE_LOCKED',
  'DATABASE_LOCKED',
  'STORAGE_WRITE_FAILED',
  'STORAGE_UNAVAILABLE',
  'STORAGE_SCHEMA_TOO_NEW',
  'IDEMPOTENCY_KEY_REUSED',
  'AUDIT_LOG_TAMPERED',
  'FORBIDDEN_FIELD',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  // wallet
  'WALLET_CORRUPTED',
  'WALLET_NOT_EMPTY',
  'CREDENTIAL_ID_CONFLICT',
  'SELECTIVE_DISCLOSURE_UNSUPPORTED',
  'WALLET_LOCKED',
  'HOLDER_MISMATCH',
  'NO_MATCHING_CREDENTIAL',
  'FIELD_NOT_AVAILABLE',
  'UNSAFE_POINTER',
  'BACKUP_INVALID',
  // verifier
  'BUNDLE_SIGNATURE_INVALID',
  'BUNDLE_STALE',
  'BUNDLE_ROLLBACK',
  'BUNDLE_LIMIT_EXCEEDED',
  'STATUS_LIST_ROLLBACK',
  'ISSUER_NOT_TRUSTED',
  'KEY_NOT_VALID',
  'KEY_COMPROMISED',
  'CREDENTIAL_EXPIRED',
  'CREDENTIAL_NOT_YET_VALID',
  'CREDENTIAL_REVOKED',
  'CREDENTIAL_SUSPENDED',
  'STATUS_UNKNOWN',
  'BASE_PROOF_PRESENTED',
  'MANDATORY_CLAIM_MISSING',
  'CLAIM_INJECTED',
  'CHALLENGE_MISMATCH',
  'DOMAIN_MISMATCH',
  'CHALLENGE_REPLAYED',
  'PRESENTATION_TOO_OLD',
  'REQUEST_NOT_SATISFIED',
  // OpenID4VCI (issuer and holder) and OpenID4VP (verifier and wallet) transports
  'OFFER_NOT_FOUND',
  'OFFER_EXPIRED',
  'OFFER_ALREADY_USED',
  'TX_CODE_INVALID',
  'ACCESS_TOKEN_INVALID',
  'NONCE_INVALID',
  'PROOF_INVALID',
  'CREDENTIAL_CONFIGURATION_UNKNOWN',
  'OID4VC_PROTOCOL_ERROR',
  'AUTHORIZATION_REQUEST_UNKNOWN',
  'AUTHORIZATION_REQUEST_EXPIRED',
  'AUTHORIZATION_REQUEST_USED',
  'CLIENT_ID_MISMATCH',
  'PRESENTATION_REFUSED',
  // offline QR transport
  'QR_MALFORMED',
  'QR_PART_DUPLICATE',
  'QR_PART_MISSING',
  'QR_PARTS_MIXED',
  'QR_DIGEST_MISMATCH',
  'QR_TOO_LARGE',
  // consent and relying parties
  'CONSENT_REQUIRED',
  'CONSENT_WIDENED',
  'CONSENT_MISMATCH',
  'RELYING_PARTY_NOT_REGISTERED',
  'FIELDS_NOT_REGISTERED',
  'ACCOUNTABILITY_LOG_TAMPERED',
  // branch general (issue 12, issuer side)
  'VALIDITY_PERIOD_INVALID',
  'MANDATORY_POINTER_INVALID',
  'STORE_INCONSISTENT',
  // oid4vp branch: OpenID4VP presentation to online verifiers
  'AUTHORIZATION_REQUEST_INVALID',
  'AUTHORIZATION_RESPONSE_INVALID',
  // batchops: interrupted batches, backups, restore and the recovery drill
  'BATCH_INTERRUPTED',
  'BATCH_RESUME_MISMATCH',
  'BACKUP_CORRUPT',
  'BACKUP_TARGET_NOT_EMPTY',
  'BACKUP_UNSUPPORTED',
  // branch reviewfix: a status list cannot be published because the last copy is dated ahead of the clock
  'STATUS_LIST_CLOCK_SKEW',
  // branch adminapi: the admin API and asynchronous batches
  'API_KEY_REVOKED',
  'BATCH_NOT_FOUND',
  // branch backupmac: a backup whose HMAC does not verify with the store passphrase (forged, altered, other store)
  'BACKUP_NOT_AUTHENTIC',
  // branch issuer-keys: a staged key rotation whose activation time is in the past
  'KEY_ACTIVATION_INVALID',
] as const;

/** A stable machine-readable error code. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Options accepted by every VNeID error constructor. */
export interface VneidErrorOptions {
  cause?: unknown;
  /** Structured, non-personal context for the failure (field names, URLs, limits). */
  details?: Record<string, unknown>;
}

/**
 * Base class of every error the VNeID packages throw or report. Switch on
 * `code`, never on `message`: messages are for humans and may be reworded.
 *
 * @example
 * try { await issue(req) } catch (e) { if (e instanceof VneidError && e.code === 'ISSUER_NOT_AUTHORIZED') … }
 */
export class VneidError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: VneidErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
  }

  /** Plain JSON for logs and HTTP problem bodies: no stack, no cause chain. */
  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

function family<C extends ErrorCode>(code: C, name: string) {
  const cls = class extends VneidError {
    declare readonly code: C;
    constructor(message: string, options?: VneidErrorOptions) {
      super(code, message, options);
    }
  };
  Object.defineProperty(cls, 'name', { value: name });
  return cls;
}

/** A URL that is not one of the bundled (pinned) JSON-LD contexts or known DID documents. */
export class ContextNotAllowedError extends family('CONTEXT_NOT_ALLOWED', 'ContextNotAllowedError') {}
/** JSON-LD safe mode refused the document (undefined term, relative IRI, invalid value). */
export class JsonLdSafeModeError extends family('JSONLD_SAFE_MODE_ERROR', 'JsonLdSafeModeError') {}
/** A proof does not verify (W3C PROOF_VERIFICATION_ERROR). */
export class ProofVerificationError extends family('PROOF_VERIFICATION_ERROR', 'ProofVerificationError') {}
/** Signing or deriving a proof failed (W3C PROOF_GENERATION_ERROR). */
export class ProofGenerationError extends family('PROOF_GENERATION_ERROR', 'ProofGenerationError') {}
/** A value is not of the form its specification requires (W3C MALFORMED_VALUE_ERROR). */
export class MalformedValueError extends family('MALFORMED_VALUE_ERROR', 'MalformedValueError') {}
/** A status list could not be obtained (W3C STATUS_RETRIEVAL_ERROR). */
export class StatusRetrievalError extends family('STATUS_RETRIEVAL_ERROR', 'StatusRetrievalError') {}
/** A status list or entry failed validation (W3C STATUS_VERIFICATION_ERROR). */
export class StatusVerificationError extends family('STATUS_VERIFICATION_ERROR', 'StatusVerificationError') {}
/** A status list is shorter than the herd-privacy minimum or inflates past the cap (W3C STATUS_LIST_LENGTH_ERROR). */
export class StatusListLengthError extends family('STATUS_LIST_LENGTH_ERROR', 'StatusListLengthError') {}
/** JSON carrying prototype-polluting keys (`__proto__`, `constructor`, `prototype`). */
export class UnsafeJsonError extends family('UNSAFE_JSON', 'UnsafeJsonError') {}
/** Input beyond a size, depth, array-length or claim-count limit: refused before any JSON-LD work. */
export class InputLimitError extends family('INPUT_LIMIT_EXCEEDED', 'InputLimitError') {}
/** A DID or verification method that the offline resolver does not hold. */
export class DidNotFoundError extends family('DID_NOT_FOUND', 'DidNotFoundError') {}
/** Key material that cannot be imported or used. */
export class InvalidKeyError extends family('INVALID_KEY', 'InvalidKeyError') {}
/** A credential type that is not registered. */
export class UnknownCredentialTypeError extends family('UNKNOWN_CREDENTIAL_TYPE', 'UnknownCredentialTypeError') {}
/** A credential subject that violates its JSON Schema or the rules of law behind it. */
export class SchemaValidationError extends family('SCHEMA_VALIDATION_ERROR', 'SchemaValidationError') {}

/** True when `value` is a VNeID error with the given code. */
export function hasCode(value: unknown, code: ErrorCode): value is VneidError {
  return value instanceof VneidError && value.code === code;
}
