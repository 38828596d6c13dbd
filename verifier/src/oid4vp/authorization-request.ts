// The request an OpenID4VP verifier signs, without node-only modules: the
// server verifier (createOid4vpVerifier) and the web page make it the same way.
import type { CallbackContext, Jwk } from '@openid4vc/oauth2';
import { type DcqlQuery, dcqlQueryFor, VneidError } from '@vneid/core';
import { loadOpenid4vp } from './load-library.js';

/** Signs a JWS over `header` and `payload` with the relying party's request key: the compact serialisation. */
export type RequestJwtSigner = (header: Record<string, unknown>, payload: Record<string, unknown>) => Promise<string>;

/** Options of {@link createSignedAuthorizationRequest}. */
export interface SignedAuthorizationRequestOptions {
  /** The relying party's registered id: the pre-registered `client_id`. */
  clientId: string;
  /** Shown to the citizen by the wallet (client_metadata.client_name). */
  clientName: string;
  /** Where the wallet fetches the signed request (request by reference). */
  requestUri: string;
  /** Where the wallet posts its answer (direct_post). */
  responseUri: string;
  nonce: string;
  state: string;
  queries: Array<{ type: string; fields: string[]; reason: string }>;
  /** The public key of the request key (P-256), whose thumbprint the trust bundle registers. */
  publicJwk: Record<string, unknown>;
  sign: RequestJwtSigner;
  ttlSeconds: number;
  now: Date;
}

function callbacks(publicJwk: Record<string, unknown>, sign: RequestJwtSigner) {
  const signJwt: CallbackContext['signJwt'] = async (signer, { header, payload }) => {
    if (signer.method !== 'jwk' || signer.publicJwk.x !== publicJwk.x || signer.alg !== 'ES256') {
      throw new TypeError('the verifier signs only its request objects, with its request key');
    }
    const jwt = await sign({ ...header, alg: 'ES256' }, payload as Record<string, unknown>);
    return { jwt, signerJwk: publicJwk as Jwk };
  };
  return {
    signJwt,
    hash: () => {
      throw new TypeError('not used');
    },
    fetch: () => {
      throw new TypeError('the verifier fetches nothing');
    },
    verifyJwt: async () => ({ verified: false }),
  } as unknown as Omit<CallbackContext, 'generateRandom' | 'clientAuthentication'>;
}

/**
 * An OpenID4VP 1.0 authorization request made with `@openid4vc/openid4vp`:
 * a DCQL query for `ldp_vc`, the nonce, the pre-registered client id,
 * `direct_post` to `responseUri`, signed (JAR, ES256) and passed by reference
 * (`request_uri`). Answers the `openid4vp://` link, the request object to
 * serve at `requestUri` and the DCQL query (with its credential query ids).
 *
 * @example
 * const { link, requestJwt } = await createSignedAuthorizationRequest({ clientId, clientName, requestUri,
 *   responseUri, nonce, state, queries, publicJwk, sign, ttlSeconds: 300, now: new Date() })
 * @throws {VneidError} MALFORMED_VALUE_ERROR (queries), OID4VC_PROTOCOL_ERROR.
 * @see https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#section-5
 */
export async function createSignedAuthorizationRequest(
  options: SignedAuthorizationRequestOptions,
): Promise<{ link: string; requestJwt: string; dcql: DcqlQuery }> {
  const dcql = dcqlQueryFor(options.queries);
  const { Openid4vpVerifier } = await loadOpenid4vp(options.requestUri);
  const library = new Openid4vpVerifier({ callbacks: callbacks(options.publicJwk, options.sign) });
  const created = await library.createOpenId4vpAuthorizationRequest({
    authorizationRequestPayload: {
      response_type: 'vp_token',
      client_id: options.clientId,
      response_mode: 'direct_post',
      response_uri: options.responseUri,
      nonce: options.nonce,
      state: options.state,
      dcql_query: dcql,
      client_metadata: {
        client_name: options.clientName,
        vp_formats_supported: {
          ldp_vc: {
            proof_type_values: ['DataIntegrityProof'],
            cryptosuite_values: ['ecdsa-sd-2023', 'eddsa-rdfc-2022', 'ecdsa-rdfc-2019'],
          },
        },
      },
      // Why each credential is asked for (DCQL has no place for it): shown to the citizen before consent.
      vneid_purpose: Object.fromEntries(
        dcql.credentials.map((c, i) => [c.id, options.queries[i]!.reason.slice(0, 200)]),
      ),
    },
    jar: {
      requestUri: options.requestUri,
      jwtSigner: { method: 'jwk', alg: 'ES256', publicJwk: options.publicJwk as Jwk },
      expiresInSeconds: options.ttlSeconds,
      additionalJwtPayload: { aud: 'https://self-issued.me/v2' },
    },
    now: options.now,
  });
  const requestJwt = created.jar?.authorizationRequestJwt;
  if (!requestJwt) throw new VneidError('OID4VC_PROTOCOL_ERROR', 'the library made no request object');
  return { link: created.authorizationRequest, requestJwt, dcql };
}
