// The verifier's side of an OpenID4VP answer, without node-only modules: the
// server verifier (createOid4vpVerifier) and the web page (which receives the
// answer through a relay and verifies it itself) run these same checks.
import {
  canonicalJson,
  type DcqlCredentialQuery,
  dcqlQueryFor,
  type ErrorCode,
  parseJsonSafely,
  presentationRequestFromDcql,
  VneidError,
} from '@vneid/core';
import type { CommonVerifyOptions } from '../lib/options.js';
import type { LoadedTrustBundle, VerificationReport } from '../types.js';
import { type VerifyPresentationOptions, verifyPresentation } from '../verify-presentation.js';
import { loadOpenid4vp } from './load-library.js';

/** What an answer is checked against: the request the verifier made (kept by the verifier, never by the wallet). */
export interface AuthorizationRequestBinding {
  clientId: string;
  nonce: string;
  state: string;
  responseUri: string;
  queries: Array<DcqlCredentialQuery & { reason?: string }>;
}

const RESPONSE_MEMBERS = new Set(['vp_token', 'state', 'error', 'error_description']);
const DEFAULT_MAX_BYTES = 512 * 1024;

function invalid(message: string): VneidError {
  return new VneidError('AUTHORIZATION_RESPONSE_INVALID', message);
}

/**
 * Reads a `direct_post` body (`application/x-www-form-urlencoded`) as a map,
 * refusing an empty or oversized body and repeated or unknown members.
 *
 * @throws {VneidError} AUTHORIZATION_RESPONSE_INVALID, INPUT_LIMIT_EXCEEDED.
 */
export function parseAuthorizationResponseForm(
  body: string,
  options: { maxBytes?: number } = {},
): Record<string, string> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (typeof body !== 'string' || body.length === 0) throw invalid('the response must be a form-encoded body');
  if (body.length > maxBytes) throw new VneidError('INPUT_LIMIT_EXCEEDED', 'response body too large');
  const form: Record<string, string> = Object.create(null);
  for (const [key, value] of new URLSearchParams(body)) {
    if (!RESPONSE_MEMBERS.has(key) || key in form) throw invalid('unknown or repeated response member');
    form[key] = value;
  }
  return form;
}

/**
 * The one presentation a DCQL `vp_token` answers the request's queries with,
 * parsed by `@openid4vc/openid4vp` against the request the verifier kept (its
 * state included). A query the citizen left out is simply missing; the
 * request check of {@link verifyPresentation} reports it.
 *
 * @throws {VneidError} AUTHORIZATION_RESPONSE_INVALID, INPUT_LIMIT_EXCEEDED, UNSAFE_JSON.
 * @see https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#section-8.1
 */
export async function presentationFromResponse(
  form: Record<string, string>,
  request: AuthorizationRequestBinding,
  options: { maxBytes?: number } = {},
): Promise<unknown> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (form.state !== request.state) throw invalid('state does not match the request');
  if (typeof form.vp_token !== 'string') throw invalid('vp_token is required');
  const vpToken = parseJsonSafely(form.vp_token, { maxBytes });
  const { parseOpenid4vpAuthorizationResponse } = await loadOpenid4vp(request.responseUri);
  let parsed: Awaited<ReturnType<typeof parseOpenid4vpAuthorizationResponse>>;
  try {
    parsed = await parseOpenid4vpAuthorizationResponse({
      authorizationResponse: { vp_token: vpToken as never, state: form.state },
      authorizationRequestPayload: {
        response_type: 'vp_token',
        client_id: request.clientId,
        response_mode: 'direct_post',
        response_uri: request.responseUri,
        nonce: request.nonce,
        state: request.state,
        dcql_query: dcqlQueryFor(request.queries),
      },
      callbacks: {} as never,
    });
  } catch (cause) {
    throw invalid(`the response does not parse: ${(cause as Error).message.slice(0, 200)}`);
  }
  if (parsed.type !== 'dcql') throw invalid('a DCQL vp_token is expected');
  const entries = Object.entries(parsed.dcql.presentations);
  const ids = new Set(request.queries.map((q) => q.id));
  if (entries.length === 0 || entries.some(([id, list]) => !ids.has(id) || list.length !== 1)) {
    throw invalid('vp_token must answer the request’s queries, once each');
  }
  // The wallet answers with one holder-signed presentation carrying every shown credential, under each query id.
  const first = canonicalJson(entries[0]![1][0] as never);
  if (entries.some(([, list]) => canonicalJson(list[0] as never) !== first)) {
    throw invalid('the vp_token entries must be one presentation');
  }
  const vp = entries[0]![1][0];
  return typeof vp === 'string' ? parseJsonSafely(vp, { maxBytes }) : vp;
}

/** Options of {@link verifyAuthorizationResponse}. */
export interface VerifyAuthorizationResponseOptions
  extends Pick<
    CommonVerifyOptions,
    'statusCache' | 'clockSkewSeconds' | 'statusMaxAgeSeconds' | 'bundleMaxAgeSeconds'
  > {
  request: AuthorizationRequestBinding;
  bundle: LoadedTrustBundle;
  now: Date;
  /** Where the request's nonce was issued: it is used up by a checked presentation (replay). */
  challengeStore: NonNullable<VerifyPresentationOptions['challengeStore']>;
  maxBytes?: number;
}

/** What a checked answer came to: the report, its distinct codes and the code to show first. */
export interface AuthorizationResponseVerdict {
  report: VerificationReport;
  codes: ErrorCode[];
  /** Absent when verified; CLIENT_ID_MISMATCH when the presentation is bound to another relying party. */
  code?: ErrorCode;
}

/**
 * Verifies a wallet's `direct_post` answer (its form members) against the
 * request the verifier made: the presentation from the DCQL `vp_token` goes
 * through {@link verifyPresentation} bound to the nonce (challenge, single
 * use) and the client id (domain), and must disclose every field asked for.
 * A malformed answer throws (the request stays open); a checked one returns
 * its report.
 *
 * @example
 * const verdict = await verifyAuthorizationResponse(parseAuthorizationResponseForm(body), {
 *   request: { clientId, nonce, state, responseUri, queries }, bundle, statusCache, now: new Date(), challengeStore })
 * @throws {VneidError} AUTHORIZATION_RESPONSE_INVALID, INPUT_LIMIT_EXCEEDED, UNSAFE_JSON.
 */
export async function verifyAuthorizationResponse(
  form: Record<string, string>,
  options: VerifyAuthorizationResponseOptions,
): Promise<AuthorizationResponseVerdict> {
  const { request } = options;
  const presentation = await presentationFromResponse(
    form,
    request,
    options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {},
  );
  const report = await verifyPresentation(presentation, {
    bundle: options.bundle,
    statusCache: options.statusCache,
    now: options.now,
    challenge: request.nonce,
    domain: request.clientId,
    request: presentationRequestFromDcql(request.queries, { challenge: request.nonce, domain: request.clientId }),
    challengeStore: options.challengeStore,
    ...(options.clockSkewSeconds !== undefined ? { clockSkewSeconds: options.clockSkewSeconds } : {}),
    ...(options.statusMaxAgeSeconds !== undefined ? { statusMaxAgeSeconds: options.statusMaxAgeSeconds } : {}),
    ...(options.bundleMaxAgeSeconds !== undefined ? { bundleMaxAgeSeconds: options.bundleMaxAgeSeconds } : {}),
  });
  const codes = [...new Set(report.errors.map((e) => e.code))];
  if (report.verified) return { report, codes };
  const code: ErrorCode = codes.includes('DOMAIN_MISMATCH')
    ? 'CLIENT_ID_MISMATCH'
    : (codes[0] ?? 'PRESENTATION_REFUSED');
  return { report, codes, code };
}
