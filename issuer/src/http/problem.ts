import { createHash } from 'node:crypto';
import { type ErrorCode, findVneidError, VneidError } from '@vneid/core';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { SecurityAudit, SecurityEvent } from './security-audit.js';

/** HTTP status of each error code the service can answer with; anything else is a 500. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  MALFORMED_VALUE_ERROR: 400,
  UNSAFE_JSON: 400,
  UNSAFE_POINTER: 400,
  INPUT_LIMIT_EXCEEDED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  ISSUER_NOT_AUTHORIZED: 403,
  NOT_FOUND: 404,
  UNKNOWN_CREDENTIAL: 404,
  UNKNOWN_MINISTRY: 404,
  UNKNOWN_STATUS_LIST: 404,
  STATUS_TRANSITION_ERROR: 409,
  MINISTRY_CONFLICT: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  UNSUPPORTED_MEDIA_TYPE: 415,
  FORBIDDEN_FIELD: 422,
  SCHEMA_VALIDATION_ERROR: 422,
  UNKNOWN_CREDENTIAL_TYPE: 422,
  CONTEXT_NOT_ALLOWED: 422,
  JSONLD_SAFE_MODE_ERROR: 422,
  INVALID_KEY: 422,
  RATE_LIMITED: 429,
  KEY_RETIRED: 503,
  KEYSTORE_LOCKED: 503,
  DATABASE_LOCKED: 503,
  STORAGE_WRITE_FAILED: 503,
  STORAGE_UNAVAILABLE: 503,
  STORAGE_SCHEMA_TOO_NEW: 503,
  // branch general (issue 12): the caller's input caused these, so none is a 500.
  VALIDITY_PERIOD_INVALID: 422,
  MANDATORY_POINTER_INVALID: 422,
  PROOF_GENERATION_ERROR: 422,
  CREDENTIAL_ID_CONFLICT: 409,
  STORE_INCONSISTENT: 503,
  // branch reviewfix
  STATUS_LIST_CLOCK_SKEW: 503,
  // branch adminapi
  API_KEY_REVOKED: 409,
  BATCH_NOT_FOUND: 404,
  // branch issuer-keys
  KEY_ACTIVATION_INVALID: 422,
  // branch webvp: the web verifier's OpenID4VP relay
  AUTHORIZATION_REQUEST_UNKNOWN: 404,
  AUTHORIZATION_REQUEST_USED: 409,
  AUTHORIZATION_REQUEST_INVALID: 400,
  AUTHORIZATION_RESPONSE_INVALID: 400,
};

const TITLES: Partial<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const PROBLEM_BASE = 'https://vneid.gov.vn/problems/';

/** The RFC 9457 problem body for an error code. */
export function problemBody(code: ErrorCode, status: number, detail: string, extra: Record<string, unknown> = {}) {
  return {
    type: `${PROBLEM_BASE}${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...extra,
  };
}

// Security refusals reach the audit log (bounded, see security-audit.ts) before the answer leaves:
// who (the API key's ministry, or a hash prefix of a presented unknown key) and from where; never a body.
async function recordSecurityRefusal(audit: SecurityAudit, req: Request, res: Response, code: ErrorCode) {
  const marked = res.locals.securityEvent as { kind: SecurityEvent; data: Record<string, unknown> } | undefined;
  const kind: SecurityEvent | undefined =
    marked?.kind ?? (code === 'UNAUTHENTICATED' ? 'auth-failed' : code === 'RATE_LIMITED' ? 'rate-limited' : undefined);
  if (!kind) return;
  const presented = /^Bearer (.{1,256})$/.exec(req.get('authorization') ?? '')?.[1];
  await audit.record(kind, {
    route: typeof req.route?.path === 'string' ? req.route.path : req.path.slice(0, 100),
    address: req.ip ?? null,
    ...(res.locals.ministry ? { ministry: String(res.locals.ministry) } : {}),
    ...(kind === 'auth-failed'
      ? { keyId: presented ? createHash('sha256').update(presented, 'utf8').digest('hex').slice(0, 16) : null }
      : {}),
    ...(marked?.data ?? {}),
  });
}

/** The HTTP status the service answers an error with (500 for anything it does not map). */
export function statusOf(error: VneidError): number {
  // Only the byte and batch-size limits are "too large"; depth, array and key limits are malformed requests.
  if (
    error.code === 'INPUT_LIMIT_EXCEEDED' &&
    (error.details?.limit === 'maxBytes' || error.details?.limit === 'maxItems')
  )
    return 413;
  return STATUS[error.code] ?? 500;
}

/**
 * The one error middleware: maps a code to its HTTP status and answers
 * application/problem+json. Unknown failures become a 500 with no detail
 * beyond the code; stacks and causes never leave the process.
 */
export function errorMiddleware(logger: Logger, securityAudit?: SecurityAudit) {
  return async (error: unknown, req: Request, res: Response, _next: NextFunction): Promise<void> => {
    let ours = findVneidError(error);
    const httpStatus = (error as { status?: unknown; statusCode?: unknown })?.status;
    if (!ours && typeof httpStatus === 'number' && httpStatus >= 400 && httpStatus < 500) {
      // Errors express or its parsers raise for the request itself (bad path encoding, aborted body).
      ours = new VneidError(httpStatus === 404 ? 'NOT_FOUND' : 'MALFORMED_VALUE_ERROR', 'the request is malformed');
    }
    if (!ours && error instanceof TypeError) ours = new VneidError('MALFORMED_VALUE_ERROR', 'the request is malformed');
    const status = ours ? statusOf(ours) : 500;
    const code: ErrorCode = ours && status !== 500 ? ours.code : 'INTERNAL_ERROR';
    if (status === 500) logger.error({ err: error, route: req.route?.path }, 'unexpected error');
    const extra: Record<string, unknown> = {};
    if (code === 'SCHEMA_VALIDATION_ERROR' && Array.isArray(ours?.details?.violations)) {
      extra.violations = ours.details.violations;
    }
    // The field or JSON pointer a refusal is about (names from the request, never values).
    if (status !== 500) {
      for (const name of ['pointer', 'field'] as const) {
        const value = ours?.details?.[name];
        if (typeof value === 'string') extra[name] = value.slice(0, 200);
      }
    }
    if (
      (code === 'RATE_LIMITED' || code === 'STORAGE_UNAVAILABLE' || code === 'STATUS_LIST_CLOCK_SKEW') &&
      typeof ours?.details?.retryAfter === 'number'
    ) {
      res.setHeader('Retry-After', String(ours.details.retryAfter));
    }
    if (code === 'UNAUTHENTICATED') res.setHeader('WWW-Authenticate', 'Bearer realm="vneid-issuer"');
    res.locals.code = code;
    if (securityAudit) await recordSecurityRefusal(securityAudit, req, res, code);
    if (res.headersSent) return;
    res
      .status(status)
      .type('application/problem+json')
      .send(
        JSON.stringify(problemBody(code, status, status === 500 ? 'unexpected error' : (ours?.message ?? ''), extra)),
      );
  };
}
