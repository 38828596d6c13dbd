// The page as an OpenID4VP verifier. A static page cannot receive the
// wallet's direct_post, so the service that serves it relays: it keeps the
// request object the page signed (for the wallet's request_uri) and the
// answer the wallet posts (response_uri) until the page reads it. The relay
// verifies nothing and holds no key: the page signs its requests with its own
// request key (made here, private part not extractable, kept in IndexedDB,
// registered by thumbprint in the trust bundle) and verifies the answer
// itself with the library's checks (verifyAuthorizationResponse).
import { VneidError } from '@vneid/core';
import {
  type AuthorizationRequestBinding,
  createSignedAuthorizationRequest,
  parseAuthorizationResponseForm,
} from '@vneid/verifier/browser';

/** The page's request key: the public JWK and its RFC 7638 thumbprint (what the trust bundle registers). */
export interface RequestKey {
  privateKey: CryptoKey;
  publicJwk: { kty: string; crv: string; x: string; y: string };
  thumbprint: string;
}

/** Where the request key is kept between starts. */
export interface RequestKeyStore {
  getRequestKey(): Promise<CryptoKeyPair | undefined>;
  putRequestKey(pair: CryptoKeyPair): Promise<void>;
}

/** An outstanding request: its link (QR and same-device), what the answer is checked against, its waiting. */
export interface PageAuthorizationRequest {
  link: string;
  binding: AuthorizationRequestBinding;
  expiresAt: number;
  /** The wallet's answer as form members, once it came; undefined while waiting. */
  poll(): Promise<Record<string, string> | undefined>;
  cancel(): Promise<void>;
}

const MAX_ANSWER_CHARS = 512 * 1024;

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const utf8 = (text: string) => new TextEncoder().encode(text);

/** The page's request key, made at the first start (ECDSA P-256, the private half not extractable). */
export async function requestKey(store: RequestKeyStore): Promise<RequestKey> {
  let pair = await store.getRequestKey();
  if (!pair) {
    pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    await store.putRequestKey(pair);
  }
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const publicJwk = { kty: 'EC', crv: 'P-256', x: String(jwk.x), y: String(jwk.y) };
  // RFC 7638: the required members in lexicographic order, no whitespace.
  const canonical = `{"crv":"P-256","kty":"EC","x":"${publicJwk.x}","y":"${publicJwk.y}"}`;
  const thumbprint = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(canonical))));
  return { privateKey: pair.privateKey, publicJwk, thumbprint };
}

/** A compact JWS (ES256) with WebCrypto: its P-256 signature is already the JWS form (r‖s). */
async function signJws(key: CryptoKey, header: object, payload: object): Promise<string> {
  const input = `${base64url(utf8(JSON.stringify(header)))}.${base64url(utf8(JSON.stringify(payload)))}`;
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, utf8(input));
  return `${input}.${base64url(new Uint8Array(signature))}`;
}

async function relayError(response: Response, fallback: string): Promise<VneidError> {
  let code: unknown;
  try {
    code = ((await response.json()) as { code?: unknown }).code;
  } catch {
    // A relay's error body is advisory.
  }
  const known = typeof code === 'string' && /^[A-Z_]{3,64}$/.test(code) ? code : fallback;
  return new VneidError(known as never, `relay: HTTP ${response.status}`);
}

/**
 * Opens a session at the relay, makes and signs the authorization request
 * (the same builder as the server verifier: DCQL for ldp_vc, the nonce, the
 * pre-registered client id, direct_post) and deposits it for the wallet.
 *
 * @throws {VneidError} the relay's code (e.g. RATE_LIMITED), MALFORMED_VALUE_ERROR, OID4VC_PROTOCOL_ERROR.
 */
export async function openAuthorizationRequest(options: {
  relay: URL;
  clientId: string;
  clientName: string;
  key: RequestKey;
  nonce: string;
  queries: Array<{ type: string; fields: string[]; reason: string }>;
  ttlSeconds: number;
}): Promise<PageAuthorizationRequest> {
  const { relay } = options;
  const opened = await fetch(new URL('sessions', relay), { method: 'POST', cache: 'no-store' });
  if (opened.status !== 201) throw await relayError(opened, 'OID4VC_PROTOCOL_ERROR');
  const { id, readToken } = (await opened.json()) as { id: string; readToken: string };
  if (!/^[A-Za-z0-9_-]{32}$/.test(String(id)) || !/^[A-Za-z0-9_-]{43}$/.test(String(readToken))) {
    throw new VneidError('OID4VC_PROTOCOL_ERROR', 'the relay answered an unexpected session');
  }
  const authorization = { authorization: `Bearer ${readToken}` };
  const state = base64url(crypto.getRandomValues(new Uint8Array(24)));
  const requestUri = new URL(`requests/${id}`, relay).href;
  const responseUri = new URL(`responses/${id}`, relay).href;
  const now = new Date();
  const { link, requestJwt, dcql } = await createSignedAuthorizationRequest({
    clientId: options.clientId,
    clientName: options.clientName,
    requestUri,
    responseUri,
    nonce: options.nonce,
    state,
    queries: options.queries,
    publicJwk: options.key.publicJwk,
    sign: (header, payload) => signJws(options.key.privateKey, header, payload),
    ttlSeconds: options.ttlSeconds,
    now,
  });
  const deposited = await fetch(new URL(`sessions/${id}/request`, relay), {
    method: 'PUT',
    headers: { ...authorization, 'content-type': 'application/oauth-authz-req+jwt' },
    body: requestJwt,
  });
  if (deposited.status !== 204) throw await relayError(deposited, 'OID4VC_PROTOCOL_ERROR');
  const binding: AuthorizationRequestBinding = {
    clientId: options.clientId,
    nonce: options.nonce,
    state,
    responseUri,
    queries: dcql.credentials.map((c, i) => ({
      id: c.id,
      type: options.queries[i]!.type,
      fields: [...options.queries[i]!.fields],
      reason: options.queries[i]!.reason,
    })),
  };
  return {
    link,
    binding,
    expiresAt: now.getTime() + options.ttlSeconds * 1000,
    async poll() {
      const response = await fetch(new URL(`sessions/${id}/response`, relay), {
        headers: authorization,
        cache: 'no-store',
      });
      if (response.status === 204) return undefined;
      if (response.status !== 200) throw await relayError(response, 'AUTHORIZATION_REQUEST_UNKNOWN');
      const text = await response.text();
      if (text.length > MAX_ANSWER_CHARS * 2) throw new VneidError('INPUT_LIMIT_EXCEEDED', 'the answer is too large');
      const body = (JSON.parse(text) as { response?: unknown }).response;
      if (typeof body !== 'string') throw new VneidError('AUTHORIZATION_RESPONSE_INVALID', 'the relay sent no answer');
      return parseAuthorizationResponseForm(body, { maxBytes: MAX_ANSWER_CHARS });
    },
    async cancel() {
      await fetch(new URL(`sessions/${id}`, relay), { method: 'DELETE', headers: authorization }).catch(() => {});
    },
  };
}
