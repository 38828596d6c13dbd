import { type ErrorCode, VneidError } from '@vneid/core';

/**
 * The OAuth 2.0 / OpenID4VCI error each of our codes answers with on the
 * protocol endpoints (RFC 6749 §5.2, OpenID4VCI 1.0 §8.3.1.2), and its HTTP
 * status. The body carries both: `error` for wallets, `code` for us.
 */
export const OAUTH_ERRORS: Partial<Record<ErrorCode, { error: string; status: number }>> = {
  OFFER_NOT_FOUND: { error: 'invalid_grant', status: 400 },
  OFFER_EXPIRED: { error: 'invalid_grant', status: 400 },
  OFFER_ALREADY_USED: { error: 'invalid_grant', status: 400 },
  TX_CODE_INVALID: { error: 'invalid_grant', status: 400 },
  ACCESS_TOKEN_INVALID: { error: 'invalid_token', status: 401 },
  NONCE_INVALID: { error: 'invalid_nonce', status: 400 },
  PROOF_INVALID: { error: 'invalid_proof', status: 400 },
  CREDENTIAL_CONFIGURATION_UNKNOWN: { error: 'unknown_credential_configuration', status: 400 },
  OID4VC_PROTOCOL_ERROR: { error: 'invalid_request', status: 400 },
  MALFORMED_VALUE_ERROR: { error: 'invalid_request', status: 400 },
  UNSAFE_JSON: { error: 'invalid_request', status: 400 },
  INPUT_LIMIT_EXCEEDED: { error: 'invalid_request', status: 400 },
  UNSUPPORTED_MEDIA_TYPE: { error: 'invalid_request', status: 415 },
  RATE_LIMITED: { error: 'slow_down', status: 429 },
  NOT_FOUND: { error: 'invalid_request', status: 404 },
};

/** Shorthand for a protocol refusal with a stable code. */
export function refuse(code: ErrorCode, message: string, details?: Record<string, unknown>): VneidError {
  return new VneidError(code, message, details ? { details } : {});
}
