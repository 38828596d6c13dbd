import type { RequestLike } from '@openid4vc/oauth2';
import { Oauth2ServerErrorResponseError } from '@openid4vc/oauth2';
import { findVneidError, MalformedValueError, VneidError } from '@vneid/core';
import express, { type NextFunction, type Request, type RequestHandler, type Response, Router } from 'express';
import { rateLimit as perClientLimit } from 'express-rate-limit';
import type { Oid4vciService } from '../oid4vci/create-oid4vci-service.js';
import { OAUTH_ERRORS } from '../oid4vci/oid4vci-error.js';

/** Per-client (IP) limits of the public OpenID4VCI endpoints. */
export interface Oid4vciRateLimitOptions {
  /** Window in milliseconds; default one minute. */
  windowMs: number;
  /** Token requests per client per window; default 10 (transaction codes are guessed here). */
  token: number;
  /** Nonce, offer and credential requests per client per window; default 60. */
  other: number;
}

export const DEFAULT_OID4VCI_RATE_LIMIT: Oid4vciRateLimitOptions = { windowMs: 60_000, token: 10, other: 60 };

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function limiter(windowMs: number, limit: number): RequestHandler {
  return perClientLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res, next) => {
      const retryAfter = Math.max(1, Math.ceil(windowMs / 1000));
      res.setHeader('Retry-After', String(retryAfter));
      next(new VneidError('RATE_LIMITED', 'too many requests from this client', { details: { retryAfter } }));
    },
  });
}

function requestLike(service: Oid4vciService, req: Request): RequestLike {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value);
  }
  return {
    headers,
    method: req.method as RequestLike['method'],
    url: `${service.endpoints.credentialIssuer}${req.path}`,
  };
}

/**
 * The ministry-facing route: `POST /oid4vci/offers` (API key) with
 * `{ type, credentialSubject, validFrom?, validUntil? }` → 201 with the offer
 * link, its QR and the transaction code. Errors are RFC 9457 problems like
 * the rest of the ministry API.
 */
export function oid4vciOfferRoute(service: Oid4vciService) {
  return async (req: Request, res: Response): Promise<void> => {
    const body = req.body as unknown;
    if (!isObject(body) || typeof body.type !== 'string' || !isObject(body.credentialSubject)) {
      throw new MalformedValueError('body must be { type, credentialSubject, validFrom?, validUntil? }');
    }
    for (const key of Object.keys(body)) {
      if (!['type', 'credentialSubject', 'validFrom', 'validUntil'].includes(key)) {
        throw new VneidError('FORBIDDEN_FIELD', `${key.slice(0, 40)} is not an offer field`, {
          details: { pointer: `/${key.slice(0, 40)}` },
        });
      }
    }
    for (const key of ['validFrom', 'validUntil'] as const) {
      if (body[key] !== undefined && typeof body[key] !== 'string') {
        throw new MalformedValueError(`${key} must be an ISO 8601 date-time`, { details: { pointer: `/${key}` } });
      }
    }
    const created = await service.createOffer({
      ministry: res.locals.ministry as string,
      type: body.type,
      subject: body.credentialSubject,
      ...(typeof body.validFrom === 'string' ? { validFrom: body.validFrom } : {}),
      ...(typeof body.validUntil === 'string' ? { validUntil: body.validUntil } : {}),
    });
    res.locals.credentialType = body.type;
    res.status(201).json(created);
  };
}

/**
 * Answers errors of the protocol endpoints as OAuth error responses
 * (`{ error, error_description }`) with our stable `code` beside them; what
 * it does not know goes on to the service's problem middleware.
 */
function oauthErrors(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  let ours = findVneidError(error);
  if (!ours && error instanceof Oauth2ServerErrorResponseError) {
    const oauth = error.errorResponse;
    res.locals.code = 'OID4VC_PROTOCOL_ERROR';
    res.status(error.status ?? 400).json({
      error: oauth.error,
      error_description: oauth.error_description ?? 'invalid request',
      code: 'OID4VC_PROTOCOL_ERROR',
    });
    return;
  }
  const status = (error as { status?: unknown })?.status;
  if (!ours && typeof status === 'number' && status >= 400 && status < 500) {
    ours = new VneidError('MALFORMED_VALUE_ERROR', 'the request is malformed');
  }
  const mapped = ours ? OAUTH_ERRORS[ours.code] : undefined;
  if (!ours || !mapped) {
    next(error);
    return;
  }
  res.locals.code = ours.code;
  if (ours.code === 'ACCESS_TOKEN_INVALID') res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
  res.status(mapped.status).json({ error: mapped.error, error_description: ours.message, code: ours.code });
}

/**
 * The public OpenID4VCI endpoints: both metadata documents, the token key
 * set, offers by reference, token, nonce and credential. Token requests are
 * form-encoded (RFC 6749), capped at 8 KiB; credential requests are JSON
 * through the service's safe JSON reader.
 */
export function oid4vciProtocolRouter(
  service: Oid4vciService,
  options: { jsonBody: RequestHandler; rateLimit?: Oid4vciRateLimitOptions },
): Router {
  const limits = options.rateLimit ?? DEFAULT_OID4VCI_RATE_LIMIT;
  const tokenLimit = limiter(limits.windowMs, limits.token);
  const otherLimit = limiter(limits.windowMs, limits.other);
  const form = express.urlencoded({ extended: false, limit: 8 * 1024, parameterLimit: 16 });
  const router = Router();
  router.get('/.well-known/openid-credential-issuer', (_req, res) => {
    res.json(service.metadata.credentialIssuer);
  });
  router.get('/.well-known/oauth-authorization-server', (_req, res) => {
    res.json(service.metadata.authorizationServer);
  });
  router.get('/oid4vci/jwks', (_req, res) => {
    res.json(service.jwks());
  });
  router.get('/oid4vci/offers/:id', otherLimit, async (req, res) => {
    res.json(await service.getOffer(String(req.params.id)));
  });
  router.post(
    '/oid4vci/token',
    tokenLimit,
    (req, _res, next) => {
      if (!req.is('application/x-www-form-urlencoded')) {
        throw new VneidError('UNSUPPORTED_MEDIA_TYPE', 'the token request must be application/x-www-form-urlencoded');
      }
      next();
    },
    form,
    async (req, res) => {
      if (!isObject(req.body)) throw new MalformedValueError('the token request is empty');
      res.json(await service.token(requestLike(service, req), { ...req.body }));
    },
  );
  router.post('/oid4vci/nonce', otherLimit, async (_req, res) => {
    res.json(await service.nonce());
  });
  router.post('/oid4vci/credential', otherLimit, options.jsonBody, async (req, res) => {
    if (!isObject(req.body)) throw new MalformedValueError('the credential request must be a JSON object');
    res.json(await service.credential(requestLike(service, req), req.body));
  });
  router.use(oauthErrors);
  return router;
}
