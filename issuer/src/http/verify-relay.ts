import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { VneidError } from '@vneid/core';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';

declare module './create-app.js' {
  interface CreateAppOptions {
    /**
     * Limits of the web verifier's OpenID4VP relay under `/verify/oid4vp/` ({@link mountVerifyRelay}); `false`
     * leaves it out (a service that does not serve the page).
     */
    verifyRelay?: VerifyRelayOptions | false;
  }
}

/** Limits of {@link mountVerifyRelay}. */
export interface VerifyRelayOptions {
  /** How long a session (its request and its answer) is kept, in seconds. Default 300. */
  ttlSeconds?: number;
  /** Open sessions at most; a new one beyond is RATE_LIMITED. Default 1000. */
  maxSessions?: number;
  /**
   * Open sessions per client address (`req.ip`, so behind a proxy set VNEID_TRUST_PROXY); one beyond is
   * RATE_LIMITED. Keeps one client from filling every slot. Default 50.
   */
  maxSessionsPerAddress?: number;
  /** Size of a signed request object, in bytes. Default 16 KiB. */
  maxRequestBytes?: number;
  /** Size of a wallet's answer, in bytes. Default 512 KiB. */
  maxResponseBytes?: number;
  /** All answers held at once, in bytes; an answer beyond is RATE_LIMITED. Default 32 MiB. */
  maxStoredBytes?: number;
  now?: () => number;
}

interface Session {
  tokenHash: Buffer;
  expiresAt: number;
  address: string;
  requestJwt?: string;
  response?: string;
}

const PREFIX = '/verify/oid4vp';
const ID = /^[A-Za-z0-9_-]{32}$/;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const REQUEST_JWT_TYPE = 'application/oauth-authz-req+jwt';

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();
const unknown = () => new VneidError('AUTHORIZATION_REQUEST_UNKNOWN', 'no such authorization request (or it expired)');
const tooLarge = (limit: number) =>
  new VneidError('INPUT_LIMIT_EXCEEDED', `the body is larger than ${limit} bytes`, {
    details: { limit: 'maxBytes', max: limit },
  });

/**
 * The OpenID4VP relay of the web verifier: a static page cannot receive the
 * wallet's `direct_post`, so the service that serves the page keeps, for a
 * few minutes, what passes between them — and nothing else. It never
 * verifies, signs or reads a presentation: the page makes and signs the
 * request with its own key, and verifies the answer in the browser.
 *
 * - `POST /verify/oid4vp/sessions` → `{ id, readToken, expiresAt }` (201): a slot, and the secret only the page knows.
 * - `PUT /verify/oid4vp/sessions/{id}/request` (Bearer readToken): the page's signed request object, once.
 * - `GET /verify/oid4vp/requests/{id}`: the request object, for the wallet (`request_uri`).
 * - `POST /verify/oid4vp/responses/{id}`: the wallet's form-encoded answer (`response_uri`), once.
 * - `GET /verify/oid4vp/sessions/{id}/response` (Bearer readToken): 204 while waiting; the answer (200) once, after
 *   which the session is gone.
 * - `DELETE /verify/oid4vp/sessions/{id}` (Bearer readToken): the page gave up waiting.
 *
 * Every byte is hostile: ids and bodies are size-checked before use, an
 * unknown, expired or wrongly-authorised session is AUTHORIZATION_REQUEST_UNKNOWN
 * (404, the same for all three so that ids cannot be probed), a second
 * deposit or answer AUTHORIZATION_REQUEST_USED (409), an oversized body
 * INPUT_LIMIT_EXCEEDED (413), a full relay RATE_LIMITED (429). Memory is
 * bounded by `maxSessions` and `maxStoredBytes`; expired sessions are dropped
 * on every call. The read token is kept only as its SHA-256.
 *
 * @example
 * mountVerifyRelay(app, { ttlSeconds: 300 })
 * @see https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#section-8.2
 */
export function mountVerifyRelay(app: Express, options: VerifyRelayOptions = {}): void {
  const ttlMs = (options.ttlSeconds ?? 300) * 1000;
  const maxSessions = options.maxSessions ?? 1000;
  const maxSessionsPerAddress = options.maxSessionsPerAddress ?? 50;
  const maxRequestBytes = options.maxRequestBytes ?? 16 * 1024;
  const maxResponseBytes = options.maxResponseBytes ?? 512 * 1024;
  const maxStoredBytes = options.maxStoredBytes ?? 32 * 1024 * 1024;
  const now = options.now ?? Date.now;
  if (
    !(ttlMs > 0) ||
    !(maxSessions >= 1) ||
    !(maxSessionsPerAddress >= 1) ||
    !(maxRequestBytes > 0) ||
    !(maxResponseBytes > 0)
  ) {
    throw new RangeError('relay limits must be positive');
  }
  const sessions = new Map<string, Session>();
  let storedBytes = 0;

  const drop = (id: string) => {
    const s = sessions.get(id);
    if (!s) return;
    storedBytes -= (s.response?.length ?? 0) + (s.requestJwt?.length ?? 0);
    sessions.delete(id);
  };
  const sweep = () => {
    const t = now();
    for (const [id, s] of sessions) if (s.expiresAt <= t) drop(id);
  };
  const find = (id: unknown): [string, Session] => {
    sweep();
    const s = typeof id === 'string' && ID.test(id) ? sessions.get(id) : undefined;
    if (!s) throw unknown();
    return [id as string, s];
  };
  /** The session the page holds the read token of; anything else looks like an unknown session. */
  const owned = (req: Request): [string, Session] => {
    const [id, s] = find(req.params.id);
    const token = /^Bearer ([A-Za-z0-9_-]{43})$/.exec(req.get('authorization') ?? '')?.[1];
    if (!token || !timingSafeEqual(sha256(token), s.tokenHash)) throw unknown();
    return [id, s];
  };
  const reserve = (bytes: number) => {
    if (storedBytes + bytes > maxStoredBytes) {
      throw new VneidError('RATE_LIMITED', 'the relay holds too much; try again shortly', {
        details: { retryAfter: 5 },
      });
    }
    storedBytes += bytes;
  };
  /** The raw body as text, refused past `limit` before it is buffered whole. */
  const rawBody = (limit: number) => [
    (req: Request, _res: Response, next: NextFunction) => {
      const declared = Number(req.get('content-length') ?? 0);
      next(declared > limit ? tooLarge(limit) : undefined);
    },
    express.text({ type: () => true, limit, defaultCharset: 'utf-8' }),
    (error: unknown, _req: Request, _res: Response, next: NextFunction) => {
      const status = (error as { status?: number; type?: string }).status;
      next(status === 413 ? tooLarge(limit) : error);
    },
  ];
  const noStore = (res: Response) => res.setHeader('Cache-Control', 'no-store');

  app.post(`${PREFIX}/sessions`, (req, res) => {
    sweep();
    if (sessions.size >= maxSessions) {
      throw new VneidError('RATE_LIMITED', 'too many open requests; try again shortly', { details: { retryAfter: 5 } });
    }
    const address = req.ip ?? '';
    let fromAddress = 0;
    for (const open of sessions.values()) if (open.address === address) fromAddress += 1;
    if (fromAddress >= maxSessionsPerAddress) {
      throw new VneidError('RATE_LIMITED', 'too many open requests from this address; try again shortly', {
        details: { retryAfter: 5 },
      });
    }
    const id = randomBytes(24).toString('base64url');
    const readToken = randomBytes(32).toString('base64url');
    const expiresAt = now() + ttlMs;
    sessions.set(id, { tokenHash: sha256(readToken), expiresAt, address });
    noStore(res);
    res.status(201).json({ id, readToken, expiresAt: new Date(expiresAt).toISOString() });
  });

  app.put(`${PREFIX}/sessions/:id/request`, ...rawBody(maxRequestBytes), (req: Request, res: Response) => {
    const [, s] = owned(req);
    if (s.requestJwt !== undefined) throw new VneidError('AUTHORIZATION_REQUEST_USED', 'the request is already set');
    const type = (req.get('content-type') ?? '').toLowerCase();
    const jwt = typeof req.body === 'string' ? req.body.trim() : '';
    if (!type.startsWith(REQUEST_JWT_TYPE) || !COMPACT_JWS.test(jwt)) {
      throw new VneidError(
        'AUTHORIZATION_REQUEST_INVALID',
        `the body must be a signed request object (${REQUEST_JWT_TYPE})`,
      );
    }
    reserve(jwt.length);
    s.requestJwt = jwt;
    res.status(204).end();
  });

  app.get(`${PREFIX}/requests/:id`, (req, res) => {
    const [, s] = find(req.params.id);
    if (s.requestJwt === undefined) throw unknown();
    if (s.response !== undefined)
      throw new VneidError('AUTHORIZATION_REQUEST_USED', 'the request was already answered');
    noStore(res);
    res.status(200).type(REQUEST_JWT_TYPE).send(s.requestJwt);
  });

  app.post(`${PREFIX}/responses/:id`, ...rawBody(maxResponseBytes), (req: Request, res: Response) => {
    const [, s] = find(req.params.id);
    if (s.requestJwt === undefined) throw unknown();
    if (s.response !== undefined)
      throw new VneidError('AUTHORIZATION_REQUEST_USED', 'the request was already answered');
    const type = (req.get('content-type') ?? '').toLowerCase();
    const body = typeof req.body === 'string' ? req.body : '';
    if (!type.startsWith('application/x-www-form-urlencoded') || body.length === 0) {
      throw new VneidError('AUTHORIZATION_RESPONSE_INVALID', 'direct_post answers are form-encoded');
    }
    reserve(body.length);
    s.response = body;
    noStore(res);
    // Received, not accepted: the page verifies the answer and shows its verdict to the officer.
    res.status(200).json({});
  });

  app.get(`${PREFIX}/sessions/:id/response`, (req, res) => {
    const [id, s] = owned(req);
    noStore(res);
    if (s.response === undefined) {
      res.status(204).end();
      return;
    }
    const response = s.response;
    drop(id);
    res.status(200).json({ response });
  });

  app.delete(`${PREFIX}/sessions/:id`, (req, res) => {
    const [id] = owned(req);
    drop(id);
    res.status(204).end();
  });
}
