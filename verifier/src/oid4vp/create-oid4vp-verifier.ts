import { randomBytes } from 'node:crypto';
import { dcqlQueryFor, type ErrorCode, toVneidError, VneidError } from '@vneid/core';
import express, { type Request, type Response, type Router } from 'express';
import type { createAccountabilityLog } from '../accountability-log.js';
import { buildPresentationRequest } from '../build-presentation-request.js';
import { type ChallengeStore, createChallengeStore } from '../challenge-store.js';
import type { CommonVerifyOptions } from '../lib/options.js';
import type { LoadedTrustBundle, VerificationReport } from '../types.js';
import { createSignedAuthorizationRequest } from './authorization-request.js';
import {
  type AuthorizationRequestBinding,
  type AuthorizationResponseVerdict,
  parseAuthorizationResponseForm,
  verifyAuthorizationResponse,
} from './authorization-response.js';
import { isLoopbackHttp } from './load-library.js';
import type { RequestSigningKey } from './request-signing-key.js';
import {
  type AuthorizationRequestRecord,
  type AuthorizationRequestStore,
  createMemoryRequestStore,
} from './request-store.js';

/** Options of {@link createOid4vpVerifier}. */
export interface Oid4vpVerifierOptions
  extends Pick<CommonVerifyOptions, 'statusCache' | 'clockSkewSeconds' | 'statusMaxAgeSeconds'> {
  /** The trust bundle from `loadTrustBundle`: issuers, and this relying party's registration. */
  bundle: LoadedTrustBundle;
  /** The relying party's registered id (a domain): the `client_id` (pre-registered prefix) and the presentations' domain. */
  clientId: string;
  /** Where {@link Oid4vpVerifier.router} is mounted, as wallets reach it (https; http only on loopback). */
  baseUrl: string;
  /** The key whose thumbprint the trust bundle registers for this relying party. */
  signingKey: RequestSigningKey;
  /** How long a request (and its nonce) can be answered, in seconds. Default 300. */
  ttlSeconds?: number;
  /** Default: the in-memory store ({@link createMemoryRequestStore}). */
  requests?: AuthorizationRequestStore;
  /** Where nonces come from. Default: an in-memory store of issued challenges with `ttlSeconds`. */
  challenges?: ChallengeStore;
  /** The verifier's accountability log: each answer is recorded (field names, purpose, outcome). */
  accountabilityLog?: ReturnType<typeof createAccountabilityLog>;
  /** Body cap of a response, in bytes. Default 512 KiB. */
  maxResponseBytes?: number;
  now?: () => Date;
}

/** A request made by {@link Oid4vpVerifier.createRequest}: show `qrSvg` (cross-device) or open `link` (same device). */
export interface CreatedAuthorizationRequest {
  id: string;
  /** `openid4vp://?client_id=…&request_uri=…` */
  link: string;
  requestUri: string;
  qrSvg: string;
  /** The same QR code as a PNG data URL. */
  qrDataUrl: string;
  expiresAt: string;
}

/** What became of a request. `report` (with the disclosed claims) only when verified. */
export interface AuthorizationRequestOutcome {
  status: 'pending' | 'verified' | 'refused' | 'expired';
  codes: ErrorCode[];
  report?: VerificationReport;
}

/** An OpenID4VP verifier of one relying party. */
export interface Oid4vpVerifier {
  readonly clientId: string;
  createRequest(options: {
    queries: Array<{ type: string; fields: string[]; reason: string }>;
  }): Promise<CreatedAuthorizationRequest>;
  /** `GET /requests/:id` (the signed request object) and `POST /responses/:id` (direct_post). */
  readonly router: Router;
  outcome(id: string): Promise<AuthorizationRequestOutcome>;
}

const REQUEST_JWT_TYPE = 'application/oauth-authz-req+jwt';

class Oid4vpHttpError extends VneidError {
  constructor(
    readonly status: number,
    code: ErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}

function problem(res: Response, status: number, code: ErrorCode, message: string, codes?: ErrorCode[]): void {
  // The OAuth error member for wallets, our stable code for people and logs.
  res.status(status).json({ error: 'invalid_request', error_description: message, code, ...(codes ? { codes } : {}) });
}

function assertBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError('baseUrl must be an absolute URL');
  }
  if (url.protocol !== 'https:' && !isLoopbackHttp(url)) {
    throw new TypeError('baseUrl must be https (http only on loopback)');
  }
  return url;
}

/**
 * An OpenID4VP 1.0 verifier for one registered relying party, on
 * `@openid4vc/openid4vp`: it makes authorization requests (a DCQL query for
 * `ldp_vc` with only fields the trust bundle registers it for, a single-use
 * nonce from the challenge store, its registered domain as a pre-registered
 * `client_id`, `direct_post` to its response URI) signed with its registered
 * request key and passed by reference (`request_uri`), as a QR code and a
 * same-device link; it serves them and receives the wallet's answer, which
 * goes through {@link verifyPresentation} bound to the nonce (challenge) and
 * the client id (domain). Each request is answered once and expires; a
 * refusal keeps only its codes. State is in memory behind
 * {@link AuthorizationRequestStore}.
 *
 * @example
 * const v = createOid4vpVerifier({ clientId: 'nganhang.example.vn', baseUrl: 'https://nganhang.example.vn/oid4vp',
 *   signingKey, bundle, statusCache })
 * app.use('/oid4vp', v.router)
 * const { qrSvg, link, id } = await v.createRequest({ queries: [{ type: 'CitizenIdentityCard', fields: ['fullName'], reason: 'eKYC' }] })
 * // later: (await v.outcome(id)).report
 * @throws {VneidError} createRequest: RELYING_PARTY_NOT_REGISTERED, FIELDS_NOT_REGISTERED, MALFORMED_VALUE_ERROR.
 *   HTTP answers carry AUTHORIZATION_REQUEST_UNKNOWN (404), AUTHORIZATION_REQUEST_EXPIRED (400),
 *   AUTHORIZATION_REQUEST_USED (400), AUTHORIZATION_RESPONSE_INVALID, INPUT_LIMIT_EXCEEDED, CLIENT_ID_MISMATCH and
 *   the codes of verifyPresentation (400).
 * @see https://openid.net/specs/openid-4-verifiable-presentations-1_0.html
 */
export function createOid4vpVerifier(options: Oid4vpVerifierOptions): Oid4vpVerifier {
  if (!options?.bundle || !options.statusCache || !options.signingKey) {
    throw new TypeError('bundle, statusCache and signingKey are required');
  }
  const base = assertBaseUrl(options.baseUrl);
  const baseUrl = base.href.replace(/\/$/, '');
  const clientId = options.clientId;
  const ttl = options.ttlSeconds ?? 300;
  if (!(ttl > 0)) throw new TypeError('ttlSeconds must be positive');
  const now = options.now ?? (() => new Date());
  const requests = options.requests ?? createMemoryRequestStore({ now });
  const challenges = options.challenges ?? createChallengeStore({ ttlSeconds: ttl, now });
  const maxBytes = options.maxResponseBytes ?? 512 * 1024;
  const rp = () => options.bundle.bundle.relyingParties?.find((r) => r.id === clientId);

  async function createRequest(input: {
    queries: Array<{ type: string; fields: string[]; reason: string }>;
  }): Promise<CreatedAuthorizationRequest> {
    // The registration check (and its codes) of every request builder, before anything is stored: a refused
    // request leaves no nonce behind.
    buildPresentationRequest({
      bundle: options.bundle,
      verifier: clientId,
      challenge: 'nonce-not-yet-issued',
      queries: input.queries,
    });
    const dcql = dcqlQueryFor(input.queries);
    const nonce = challenges.issue();
    const id = randomBytes(24).toString('base64url');
    const state = randomBytes(24).toString('base64url');
    const at = now();
    const requestUri = `${baseUrl}/requests/${id}`;
    const registration = rp()!;
    const { link, requestJwt } = await createSignedAuthorizationRequest({
      clientId,
      clientName: registration.name.en,
      requestUri,
      responseUri: `${baseUrl}/responses/${id}`,
      nonce,
      state,
      queries: input.queries,
      publicJwk: options.signingKey.publicJwk as Record<string, unknown>,
      sign: async (header, payload) =>
        new (await import('jose')).CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
          .setProtectedHeader(header as never)
          .sign(options.signingKey.privateKey),
      ttlSeconds: ttl,
      now: at,
    });
    await requests.put({
      id,
      clientId,
      nonce,
      state,
      queries: dcql.credentials.map((c, i) => ({
        id: c.id,
        type: input.queries[i]!.type,
        fields: [...input.queries[i]!.fields],
        reason: input.queries[i]!.reason,
      })),
      requestJwt,
      createdAt: at.getTime(),
      expiresAt: at.getTime() + ttl * 1000,
      status: 'pending',
    });
    // qrcode, like jose above, loads on first use: see load-library.ts.
    const { default: QRCode } = await import('qrcode');
    return {
      id,
      link,
      requestUri,
      qrSvg: await QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
      qrDataUrl: await QRCode.toDataURL(link, { errorCorrectionLevel: 'M', margin: 2 }),
      expiresAt: new Date(at.getTime() + ttl * 1000).toISOString(),
    };
  }

  /** The request in a state to be served or answered, or the HTTP error why not. */
  async function openRequest(id: unknown): Promise<AuthorizationRequestRecord> {
    const record = typeof id === 'string' && id.length <= 64 ? await requests.get(id) : undefined;
    if (!record) throw new Oid4vpHttpError(404, 'AUTHORIZATION_REQUEST_UNKNOWN', 'no such authorization request');
    if (record.status !== 'pending') {
      throw new Oid4vpHttpError(400, 'AUTHORIZATION_REQUEST_USED', 'the authorization request was already answered');
    }
    if (record.expiresAt <= now().getTime()) {
      throw new Oid4vpHttpError(400, 'AUTHORIZATION_REQUEST_EXPIRED', 'the authorization request has expired');
    }
    return record;
  }

  function record(entry: AuthorizationRequestRecord, verified: boolean, codes: ErrorCode[]): void {
    options.accountabilityLog?.record({
      asked: entry.queries.map((q) => ({ type: q.type, fields: q.fields })),
      purpose: [...new Set(entry.queries.map((q) => q.reason))],
      verified,
      codes,
    });
  }

  /** The form body as a map, refusing repeated or unknown members. */
  function readForm(req: Request): Record<string, string> {
    const raw = req.body;
    if (!Buffer.isBuffer(raw) || raw.length === 0) {
      throw new Oid4vpHttpError(400, 'AUTHORIZATION_RESPONSE_INVALID', 'the response must be a form-encoded body');
    }
    if (raw.length > maxBytes) throw new Oid4vpHttpError(400, 'INPUT_LIMIT_EXCEEDED', 'response body too large');
    const type = String(req.headers['content-type'] ?? '');
    if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      throw new Oid4vpHttpError(400, 'AUTHORIZATION_RESPONSE_INVALID', 'direct_post answers are form-encoded');
    }
    return parseAuthorizationResponseForm(raw.toString('utf8'), { maxBytes });
  }

  const bindingOf = (entry: AuthorizationRequestRecord): AuthorizationRequestBinding => ({
    clientId: entry.clientId,
    nonce: entry.nonce,
    state: entry.state,
    responseUri: `${baseUrl}/responses/${entry.id}`,
    queries: entry.queries,
  });

  const router = express.Router();
  router.get('/requests/:id', async (req, res) => {
    try {
      const entry = await openRequest(req.params.id);
      res.status(200).type(REQUEST_JWT_TYPE).set('cache-control', 'no-store').send(entry.requestJwt);
    } catch (error) {
      const e = error instanceof Oid4vpHttpError ? error : undefined;
      problem(res, e?.status ?? 500, e?.code ?? 'INTERNAL_ERROR', e?.message ?? 'internal error');
    }
  });

  router.post('/responses/:id', express.raw({ type: () => true, limit: maxBytes + 1 }), async (req, res) => {
    let entry: AuthorizationRequestRecord;
    let form: Record<string, string>;
    try {
      entry = await openRequest(req.params.id);
      form = readForm(req);
      // A response for another request's state changes nothing: the request stays open for its wallet.
      if (form.state !== entry.state) {
        throw new Oid4vpHttpError(400, 'AUTHORIZATION_RESPONSE_INVALID', 'state does not match the request');
      }
    } catch (error) {
      const e = toVneidError(error, 'AUTHORIZATION_RESPONSE_INVALID', 'malformed response');
      problem(res, error instanceof Oid4vpHttpError ? error.status : 400, e.code, e.message);
      return;
    }
    if (form.error !== undefined) {
      // The citizen (or the wallet) said no: recorded as such, nothing else kept.
      if (await requests.close(entry.id, { status: 'refused', codes: ['PRESENTATION_REFUSED'] })) {
        record(entry, false, ['PRESENTATION_REFUSED']);
      }
      res.status(200).json({});
      return;
    }
    let verdict: AuthorizationResponseVerdict;
    try {
      verdict = await verifyAuthorizationResponse(form, {
        request: bindingOf(entry),
        bundle: options.bundle,
        statusCache: options.statusCache,
        now: now(),
        challengeStore: challenges,
        maxBytes,
        ...(options.clockSkewSeconds !== undefined ? { clockSkewSeconds: options.clockSkewSeconds } : {}),
        ...(options.statusMaxAgeSeconds !== undefined ? { statusMaxAgeSeconds: options.statusMaxAgeSeconds } : {}),
      });
    } catch (error) {
      // Malformed answers leave the request open: only a presentation that was checked uses it up.
      const e = toVneidError(error, 'AUTHORIZATION_RESPONSE_INVALID', 'malformed response');
      problem(res, 400, e.code, e.message);
      return;
    }
    const { report, codes } = verdict;
    const closed = await requests.close(
      entry.id,
      report.verified ? { status: 'verified', codes: [], report } : { status: 'refused', codes },
    );
    if (!closed) {
      problem(res, 400, 'AUTHORIZATION_REQUEST_USED', 'the authorization request was already answered');
      return;
    }
    record(entry, report.verified, codes);
    if (report.verified) {
      res.status(200).json({});
      return;
    }
    problem(res, 400, verdict.code ?? 'PRESENTATION_REFUSED', 'the presentation was not accepted', codes);
  });

  router.use((error: unknown, _req: Request, res: Response, _next: unknown) => {
    const status = (error as { status?: number }).status;
    if (status === 413) problem(res, 400, 'INPUT_LIMIT_EXCEEDED', 'response body too large');
    else problem(res, 400, 'AUTHORIZATION_RESPONSE_INVALID', 'malformed response');
  });

  return {
    clientId,
    createRequest,
    router,
    async outcome(id) {
      const entry = await requests.get(id);
      if (!entry) throw new VneidError('AUTHORIZATION_REQUEST_UNKNOWN', 'no such authorization request');
      if (entry.status === 'pending') {
        return { status: entry.expiresAt <= now().getTime() ? 'expired' : 'pending', codes: [] };
      }
      return {
        status: entry.status,
        codes: entry.codes ?? [],
        ...(entry.report ? { report: entry.report } : {}),
      };
    },
  };
}
