import type { CallbackContext, Jwk } from '@openid4vc/oauth2';
import { type Openid4vpAuthorizationRequest, Openid4vpClient } from '@openid4vc/openid4vp';
import { setGlobalConfig } from '@openid4vc/utils';
import {
  type PresentationRequest,
  parseDcqlQuery,
  presentationRequestFromDcql,
  type RelyingPartyRegistration,
  VneidError,
} from '@vneid/core';
import { calculateJwkThumbprint, compactVerify, importJWK } from 'jose';
import { type ConsentReceipt, refuse } from '../consents.js';
import type { WalletState } from '../lib/state.js';
import { type PresentResult, present } from '../present.js';
import { type ConsentPreview, preview } from '../preview.js';
import { limitedFetch } from './limited-fetch.js';

/** A resolved request waiting for the citizen's answer (in memory, like its preview). */
export interface PendingAuthorizationRequest {
  /**
   * The request object's claims as `@openid4vc/openid4vp` parsed them. Typed here, not with the library's
   * type, so that our published declarations do not load its .d.ts (which does not check without skipLibCheck).
   */
  payload: Readonly<Record<string, unknown>> & { response_uri?: string; state?: string };
  request: PresentationRequest;
  queryIds: string[];
  requestUri: string;
}

/** What the verifier answered to the wallet's direct_post. */
export interface VerifierAnswer {
  accepted: boolean;
  status: number;
  /** The verifier's stable code when it did not accept (e.g. CHALLENGE_REPLAYED, CLIENT_ID_MISMATCH). */
  code?: string;
  codes?: string[];
}

const MAX_LINK = 8192;
const LOOPBACK = ['127.0.0.1', '[::1]', 'localhost'];

function invalid(message: string, cause?: unknown): VneidError {
  return new VneidError('AUTHORIZATION_REQUEST_INVALID', message, cause === undefined ? {} : { cause });
}

/** https only; plain http only on the loopback interface (tests, local demos). */
function endpointUrl(value: unknown, what: string): URL {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw invalid(`${what} is not a URL`);
  }
  const loopback = url.protocol === 'http:' && LOOPBACK.includes(url.hostname);
  if (url.protocol !== 'https:' && !loopback) throw invalid(`${what} must be https`);
  if (url.username || url.password || url.hash) throw invalid(`${what} must carry no credentials or fragment`);
  if (loopback) setGlobalConfig({ allowInsecureUrls: true });
  return url;
}

/**
 * The library's link parser refuses an http `request_uri` before our loopback rule is asked: a loopback one
 * turns the library's switch on first (as {@link endpointUrl} does), everything else is left to the parser.
 */
function allowLoopbackRequestUri(link: string): void {
  try {
    const uri = new URL(new URL(link).searchParams.get('request_uri') ?? '');
    if (uri.protocol === 'http:' && LOOPBACK.includes(uri.hostname)) setGlobalConfig({ allowInsecureUrls: true });
  } catch {
    // Not a URL: the parser refuses it with its own message.
  }
}

function algorithmsFor(jwk: Jwk): string[] {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return ['EdDSA'];
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return ['ES256'];
  return [];
}

/**
 * Verification of the request object: signed with a key whose thumbprint
 * the trust bundle registers for the relying party (pre-registered client
 * id), by the algorithm of the key's type, for this very client id, and not
 * expired by the wallet's clock.
 */
function requestCallbacks(
  state: WalletState,
  rp: RelyingPartyRegistration,
  clientId: string,
  failures: { failure?: VneidError },
  fetcher: typeof fetch,
): Omit<CallbackContext, 'generateRandom' | 'clientAuthentication'> {
  const fail = (error: VneidError) => {
    failures.failure ??= error;
    return { verified: false as const };
  };
  const verifyJwt: CallbackContext['verifyJwt'] = async (signer, { compact, payload }) => {
    if (signer.method !== 'jwk') return fail(invalid('the request object must carry its signing key'));
    const jwk = signer.publicJwk;
    const algorithms = algorithmsFor(jwk);
    if (!algorithms.includes(signer.alg)) return fail(invalid('the request object uses an algorithm not allowed'));
    const thumbprint = await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } as never);
    if (!(rp.requestKeys ?? []).includes(thumbprint)) {
      return fail(
        new VneidError('CLIENT_ID_MISMATCH', `the request is not signed by a key registered for ${clientId}`),
      );
    }
    try {
      await compactVerify(compact, await importJWK({ ...jwk, alg: signer.alg }, signer.alg), { algorithms });
    } catch {
      return fail(invalid('the request object signature does not verify'));
    }
    // The library would fetch these with the global fetch, past our limits: refused before it resolves them.
    if (payload.client_metadata_uri !== undefined || payload.presentation_definition_uri !== undefined) {
      return fail(invalid('the request names a URI the wallet will not fetch'));
    }
    if (payload.client_id !== clientId) {
      return fail(new VneidError('CLIENT_ID_MISMATCH', 'the request object names another client id'));
    }
    const now = state.now().getTime() / 1000;
    if (typeof payload.exp !== 'number' || payload.exp <= now) {
      return fail(new VneidError('AUTHORIZATION_REQUEST_EXPIRED', 'the authorization request has expired'));
    }
    if (typeof payload.iat === 'number' && payload.iat > now + 300)
      return fail(invalid('the request is dated in the future'));
    return { verified: true, signerJwk: jwk };
  };
  return {
    verifyJwt,
    fetch: fetcher,
    hash: () => {
      throw new TypeError('not used');
    },
  } as unknown as Omit<CallbackContext, 'generateRandom' | 'clientAuthentication'>;
}

/**
 * Reads an OpenID4VP 1.0 authorization request (`openid4vp://?client_id=…&request_uri=…`, from a QR or a
 * link) with `@openid4vc/openid4vp` and shows it to the citizen through the consent preview. Everything in it
 * is hostile input: the link is size-capped; the client id must be a relying party the trust bundle registers
 * with request keys; the request object is fetched only from its https `request_uri` (GET, no redirects,
 * 64 KiB, 10 s), must be signed by a registered key for that client id and not expired; it must ask for a
 * `direct_post` answer to a `response_uri` on the request URI's own origin, with a DCQL query for `ldp_vc`
 * fields. A request for fields beyond the registration is refused by the preview (and the refusal recorded).
 *
 * @example
 * const shown = await wallet.previewAuthorizationRequest(link)  // then respond… or decline…
 * @throws {VneidError} AUTHORIZATION_REQUEST_INVALID, AUTHORIZATION_REQUEST_EXPIRED, CLIENT_ID_MISMATCH,
 *   RELYING_PARTY_NOT_REGISTERED, FIELDS_NOT_REGISTERED, INPUT_LIMIT_EXCEEDED, MALFORMED_VALUE_ERROR, UNSAFE_JSON.
 * @see https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#section-5
 */
export async function previewAuthorizationRequest(state: WalletState, link: unknown): Promise<ConsentPreview> {
  if (typeof link !== 'string') throw invalid('an authorization request is a URI');
  if (link.length > MAX_LINK)
    throw new VneidError('INPUT_LIMIT_EXCEEDED', 'the authorization request link is too long');
  const failures: { failure?: VneidError } = {};
  allowLoopbackRequestUri(link);
  let params: Record<string, unknown>;
  try {
    const parsed = new Openid4vpClient({ callbacks: {} as never }).parseOpenid4vpAuthorizationRequest({
      authorizationRequest: link,
    });
    if (parsed.type !== 'jar') throw invalid('the request must be a signed request object (by reference)');
    params = parsed.params as Record<string, unknown>;
  } catch (cause) {
    throw cause instanceof VneidError ? cause : invalid('the authorization request cannot be read', cause);
  }
  if (typeof params.request_uri !== 'string' || params.request !== undefined) {
    throw invalid('the request must be passed by reference (request_uri)');
  }
  if (params.request_uri_method !== undefined && String(params.request_uri_method).toLowerCase() !== 'get') {
    throw invalid('only request_uri_method get is supported');
  }
  const clientId = params.client_id;
  if (typeof clientId !== 'string' || clientId.length === 0 || clientId.length > 253)
    throw invalid('client_id is required');
  const rp = state.relyingParties.get(clientId);
  if (!rp?.requestKeys?.length) {
    throw new VneidError(
      'RELYING_PARTY_NOT_REGISTERED',
      `${clientId.slice(0, 64)} is not registered for online requests`,
    );
  }
  const requestUri = endpointUrl(params.request_uri, 'request_uri');
  const fetcher = limitedFetch({ url: requestUri.href, method: 'GET' }, failures);
  let payload: Openid4vpAuthorizationRequest;
  let dcql: unknown;
  try {
    const client = new Openid4vpClient({ callbacks: requestCallbacks(state, rp, clientId, failures, fetcher) });
    const resolved = await client.resolveOpenId4vpAuthorizationRequest({
      authorizationRequestPayload: { ...params, request_uri: requestUri.href } as never,
    });
    if (resolved.client.prefix !== 'pre-registered' || resolved.client.identifier !== clientId) {
      throw new VneidError('CLIENT_ID_MISMATCH', 'the request is not made under the registered client id');
    }
    payload = resolved.authorizationRequestPayload as Openid4vpAuthorizationRequest;
    dcql = resolved.dcql?.query;
  } catch (cause) {
    if (failures.failure) throw failures.failure;
    throw cause instanceof VneidError ? cause : invalid('the authorization request is not valid', cause);
  }
  if (payload.response_mode !== 'direct_post' || typeof payload.response_uri !== 'string') {
    throw invalid('only direct_post answers to a response_uri are supported');
  }
  if (endpointUrl(payload.response_uri, 'response_uri').origin !== requestUri.origin) {
    throw invalid('the response_uri must be on the request’s own origin');
  }
  if (typeof payload.state !== 'string' || payload.state.length > 256) throw invalid('state is required');
  if (dcql === undefined) throw invalid('the request must carry a dcql_query');
  const queries = parseDcqlQuery(dcql);
  const purposes = (payload as Record<string, unknown>).vneid_purpose as Record<string, unknown> | undefined;
  const request = presentationRequestFromDcql(
    queries.map((q) => {
      const reason = purposes && typeof purposes === 'object' ? purposes[q.id] : undefined;
      return typeof reason === 'string' ? { ...q, reason: reason.slice(0, 200) } : q;
    }),
    { challenge: payload.nonce, domain: clientId },
  );
  const shown = await preview(state, request);
  state.authorizationRequests.set(shown.id, {
    payload,
    request,
    queryIds: queries.map((q) => q.id),
    requestUri: requestUri.href,
  });
  return shown;
}

async function post(pending: PendingAuthorizationRequest, body: Record<string, unknown>): Promise<VerifierAnswer> {
  const failures: { failure?: VneidError } = {};
  const url = new URL(pending.payload.response_uri!).href;
  const client = new Openid4vpClient({
    callbacks: { fetch: limitedFetch({ url, method: 'POST' }, failures) } as never,
  });
  let response: Response;
  try {
    ({ response } = await client.submitOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: pending.payload as unknown as Openid4vpAuthorizationRequest,
      authorizationResponsePayload: { ...body, state: pending.payload.state } as never,
    }));
  } catch (cause) {
    if (failures.failure) throw failures.failure;
    throw new VneidError('OID4VC_PROTOCOL_ERROR', 'the verifier cannot be reached', { cause });
  }
  if (response.ok) return { accepted: true, status: response.status };
  let answer: { code?: unknown; codes?: unknown } = {};
  try {
    answer = (await response.json()) as typeof answer;
  } catch {
    // A verifier's error body is advisory.
  }
  return {
    accepted: false,
    status: response.status,
    ...(typeof answer.code === 'string' ? { code: answer.code.slice(0, 64) } : {}),
    ...(Array.isArray(answer.codes) ? { codes: answer.codes.filter((c) => typeof c === 'string').slice(0, 32) } : {}),
  };
}

function pendingFor(state: WalletState, previewId: unknown): PendingAuthorizationRequest {
  const pending = typeof previewId === 'string' ? state.authorizationRequests.get(previewId) : undefined;
  if (!pending) throw new VneidError('CONSENT_REQUIRED', 'no authorization request was previewed under this id');
  return pending;
}

/**
 * Answers a previewed authorization request with the citizen's consent:
 * `present` derives and signs the presentation (nonce as challenge, client id
 * as domain) and writes the consent receipt before anything leaves; the
 * presentation is posted (`direct_post`) to the request's response URI as a
 * DCQL `vp_token`, under each query the citizen kept.
 *
 * @throws {VneidError} CONSENT_REQUIRED, CONSENT_MISMATCH, CONSENT_WIDENED, the codes of `present`,
 *   OID4VC_PROTOCOL_ERROR (verifier unreachable), INPUT_LIMIT_EXCEEDED.
 */
export async function respondAuthorizationRequest(
  state: WalletState,
  previewId: string,
  consent: unknown,
): Promise<PresentResult & { verifier: VerifierAnswer }> {
  const pending = pendingFor(state, previewId);
  const c = consent as { previewId?: unknown; fields?: unknown } | undefined;
  if (c?.previewId !== previewId)
    throw new VneidError('CONSENT_MISMATCH', 'the consent was not given for this request');
  const result = await present(state, pending.request, consent);
  state.authorizationRequests.delete(previewId);
  const fields = (c.fields as string[][]) ?? [];
  const vpToken = Object.fromEntries(
    pending.queryIds.filter((_, i) => (fields[i]?.length ?? 0) > 0).map((id) => [id, [result.presentation]]),
  );
  return { ...result, verifier: await post(pending, { vp_token: vpToken }) };
}

/**
 * The citizen says no: the refusal is recorded (consent receipt) and the
 * verifier is told with an `access_denied` error response (OpenID4VP 1.0
 * §8.5), so its page stops waiting. Nothing about the citizen is sent.
 *
 * @throws {VneidError} CONSENT_REQUIRED for an unknown preview id.
 */
export async function declineAuthorizationRequest(
  state: WalletState,
  previewId: string,
): Promise<{ receipt: ConsentReceipt; verifier: VerifierAnswer }> {
  const pending = pendingFor(state, previewId);
  const receipt = await refuse(state, previewId);
  state.authorizationRequests.delete(previewId);
  return { receipt, verifier: await post(pending, { error: 'access_denied' }) };
}
