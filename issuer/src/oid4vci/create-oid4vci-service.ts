import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import {
  type AccessTokenResponse,
  decodeJwt,
  Oauth2AuthorizationServer,
  Oauth2ResourceServer,
  preAuthorizedCodeGrantIdentifier,
  type RequestLike,
  SupportedAuthenticationScheme,
} from '@openid4vc/oauth2';
import { Openid4vciIssuer, setGlobalConfig } from '@openid4vc/openid4vci';
import { type JsonObject, VneidError } from '@vneid/core';
import { assertValidSubject, getCredentialType } from '@vneid/schemas';
import QRCode from 'qrcode';
import type { Issuer } from '../create-issuer.js';
import type { IssueRequest } from '../lib/issue-core.js';
import { createTokenSigningKey, issuerCallbacks } from './jose-callbacks.js';
import { buildOid4vciMetadata, type Oid4vciEndpoints, type Oid4vciMetadata, oid4vciEndpoints } from './metadata.js';
import { createMemoryOfferStore, type OfferRecord, type OfferStore } from './offer-store.js';
import { refuse } from './oid4vci-error.js';

// @openid4vc/utils 0.4.6 declares `URL.createObjectURL(obj: Blob | MediaSource)`, naming a DOM
// type; a Node consumer (no DOM lib) checking our published declarations without skipLibCheck
// fails on it. An empty global interface gives the name a meaning there and merges with the DOM's own.
declare global {
  interface MediaSource {}
}

/** Options of {@link createOid4vciService}. */
export interface Oid4vciServiceOptions {
  issuer: Issuer;
  /** Offer, code and nonce state; default in memory (one process). */
  store?: OfferStore;
  /** Seconds an offer (and its pre-authorised code) stays redeemable; default 600. */
  offerTtlSeconds?: number;
  /** Seconds an access token and a c_nonce live; default 300. */
  tokenTtlSeconds?: number;
  /** Digits of the transaction code; default 6. */
  txCodeLength?: number;
  /** Wrong transaction codes after which an offer is blocked; default 5. */
  maxTxCodeFailures?: number;
  now?: () => Date;
}

/** What a ministry system gets back for a new offer. */
export interface CreatedOffer {
  offerId: string;
  /** `openid-credential-offer://?credential_offer_uri=…`: the link to open on the phone. */
  credentialOfferUri: string;
  /** The same link as a QR code (SVG markup and a PNG data URL), error correction M. */
  qr: { svg: string; dataUrl: string };
  /** Sent to the citizen through another channel (SMS, counter); never inside the QR. */
  txCode: string;
  expiresAt: string;
}

/** The input of {@link Oid4vciService.createOffer}: the ministry comes from the caller's API key. */
export interface OfferInput {
  ministry: string;
  type: string;
  subject: Record<string, unknown>;
  validFrom?: string;
  validUntil?: string;
}

/** The OpenID4VCI issuer service: metadata, offers, token, nonce and credential endpoints' logic. */
export interface Oid4vciService {
  readonly endpoints: Oid4vciEndpoints;
  readonly metadata: Oid4vciMetadata;
  createOffer(input: OfferInput): Promise<CreatedOffer>;
  /** The credential offer object fetched through `credential_offer_uri`. @throws OFFER_NOT_FOUND, OFFER_EXPIRED, OFFER_ALREADY_USED */
  getOffer(id: string): Promise<Record<string, unknown>>;
  token(request: RequestLike, body: Record<string, unknown>): Promise<AccessTokenResponse>;
  nonce(): Promise<{ c_nonce: string; c_nonce_expires_in: number }>;
  credential(request: RequestLike, body: Record<string, unknown>): Promise<Record<string, unknown>>;
  jwks(): { keys: unknown[] };
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64url');
const OFFER_ID = /^[A-Za-z0-9_-]{22,64}$/;

function isExpired(record: OfferRecord, now: number): boolean {
  return record.expiresAt <= now;
}

/**
 * The OpenID4VCI 1.0 pre-authorised code flow over an {@link Issuer}, built on
 * `@openid4vc/openid4vci` and `@openid4vc/oauth2` (request parsing, grant and
 * proof verification, access tokens and responses come from the library; the
 * policy is ours):
 *
 * - a ministry creates an offer for one document and one citizen; the wallet
 *   gets a link/QR with a 256-bit pre-authorised code (by reference, so the QR
 *   stays small) and the citizen a 6-digit transaction code through another
 *   channel;
 * - the token endpoint redeems the code once, before it expires, only with the
 *   right transaction code (compared as digests in constant time; 5 wrong
 *   codes block the offer, and the HTTP layer rate-limits per client);
 * - the credential endpoint takes the access token once, a proof JWT signed by
 *   the holder's did:key over a c_nonce that is single-use and short-lived,
 *   and signs the document to that did:key through `issuer.issue`.
 *
 * @example
 * const vci = createOid4vciService({ issuer });
 * const { credentialOfferUri, txCode } = await vci.createOffer({ ministry: 'bo-cong-an', type: 'CitizenIdentityCard', subject });
 * @see https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html
 */
export function createOid4vciService(options: Oid4vciServiceOptions): Oid4vciService {
  const { issuer } = options;
  const clock = options.now ?? (() => new Date());
  const store = options.store ?? createMemoryOfferStore({ now: () => clock().getTime() });
  const offerTtl = options.offerTtlSeconds ?? 600;
  const tokenTtl = options.tokenTtlSeconds ?? 300;
  const txCodeLength = options.txCodeLength ?? 6;
  const maxFailures = options.maxTxCodeFailures ?? 5;
  if (!Number.isInteger(txCodeLength) || txCodeLength < 6 || txCodeLength > 12)
    throw new RangeError('txCodeLength must be 6–12');
  const base = new URL(issuer.baseUrl);
  if (base.protocol === 'http:') {
    // The library refuses http URLs (process-wide switch); we allow them only
    // for a service on the loopback interface (tests, local demos).
    if (!['127.0.0.1', '[::1]', 'localhost'].includes(base.hostname)) {
      throw new TypeError('OpenID4VCI needs an https base URL (http only on 127.0.0.1)');
    }
    setGlobalConfig({ allowInsecureUrls: true });
  }
  const endpoints = oid4vciEndpoints(issuer.baseUrl);
  const metadata = buildOid4vciMetadata(endpoints);
  const tokenKey = createTokenSigningKey();
  const callbacks = issuerCallbacks({ tokenKey, jwksUri: endpoints.jwks });
  const vci = new Openid4vciIssuer({ callbacks: callbacks as never });
  const authorizationServer = new Oauth2AuthorizationServer({ callbacks: callbacks as never });
  const resourceServer = new Oauth2ResourceServer({ callbacks: callbacks as never });

  async function newNonce(): Promise<{ nonce: string; expiresAt: number }> {
    const nonce = randomBytes(32).toString('base64url');
    const expiresAt = clock().getTime() + tokenTtl * 1000;
    await store.putNonce(nonce, expiresAt);
    return { nonce, expiresAt };
  }

  async function requireOfferForToken(id: string): Promise<OfferRecord> {
    const record = await store.byId(id);
    if (!record) throw refuse('ACCESS_TOKEN_INVALID', 'the access token names no offer');
    if (record.state !== 'redeemed') throw refuse('OFFER_ALREADY_USED', 'this offer has already been used');
    return record;
  }

  return {
    endpoints,
    metadata,
    jwks: () => ({ keys: [tokenKey.publicJwk] }),

    async createOffer(input) {
      const ministry = issuer.getMinistry(input.ministry);
      getCredentialType(input.type); // UNKNOWN_CREDENTIAL_TYPE
      if (!ministry.credentialTypes.includes(input.type)) {
        throw new VneidError('ISSUER_NOT_AUTHORIZED', `${ministry.slug} may not issue ${input.type}`);
      }
      if (Object.hasOwn(input.subject, 'id')) {
        throw new VneidError('FORBIDDEN_FIELD', 'the holder is bound when the wallet redeems the offer', {
          details: { pointer: '/credentialSubject/id' },
        });
      }
      // Refused now, not when the citizen redeems: a bad subject would burn the offer.
      assertValidSubject(input.type, input.subject);
      const id = randomBytes(24).toString('base64url');
      const code = randomBytes(32).toString('base64url');
      const txCode = Array.from({ length: txCodeLength }, () => String(randomInt(10))).join('');
      const createdAt = clock().getTime();
      const expiresAt = createdAt + offerTtl * 1000;
      const { credentialOffer, credentialOfferObject } = await vci.createCredentialOffer({
        issuerMetadata: metadata.result,
        credentialConfigurationIds: [input.type],
        grants: {
          [preAuthorizedCodeGrantIdentifier]: {
            'pre-authorized_code': code,
            tx_code: {
              input_mode: 'numeric',
              length: txCodeLength,
              description: 'Mã xác nhận gửi qua SMS / The confirmation code sent by SMS',
            },
          },
        },
        credentialOfferUri: `${endpoints.offers}${id}`,
      });
      await store.put({
        id,
        codeDigest: digest(code),
        txCodeDigest: digest(txCode),
        ministry: ministry.slug,
        type: input.type,
        subject: structuredClone(input.subject),
        ...(input.validFrom !== undefined ? { validFrom: input.validFrom } : {}),
        ...(input.validUntil !== undefined ? { validUntil: input.validUntil } : {}),
        offer: credentialOfferObject as Record<string, unknown>,
        createdAt,
        expiresAt,
        state: 'offered',
        txCodeFailures: 0,
      });
      const [svg, dataUrl] = await Promise.all([
        QRCode.toString(credentialOffer, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
        QRCode.toDataURL(credentialOffer, { errorCorrectionLevel: 'M', margin: 2 }),
      ]);
      return {
        offerId: id,
        credentialOfferUri: credentialOffer,
        qr: { svg, dataUrl },
        txCode,
        expiresAt: new Date(expiresAt).toISOString(),
      };
    },

    async getOffer(id) {
      const record = OFFER_ID.test(id) ? await store.byId(id) : undefined;
      if (!record) throw refuse('OFFER_NOT_FOUND', 'no such offer');
      if (isExpired(record, clock().getTime())) throw refuse('OFFER_EXPIRED', 'this offer has expired');
      if (record.state !== 'offered') throw refuse('OFFER_ALREADY_USED', 'this offer has already been used');
      return record.offer;
    },

    async token(request, body) {
      const parsed = authorizationServer.parseAccessTokenRequest({ request, accessTokenRequest: body });
      if (parsed.grant.grantType !== preAuthorizedCodeGrantIdentifier) {
        throw refuse('OID4VC_PROTOCOL_ERROR', 'only the pre-authorised code grant is supported');
      }
      const { grant } = parsed;
      const record = await store.byCodeDigest(digest(grant.preAuthorizedCode));
      const now = clock();
      if (!record) throw refuse('OFFER_NOT_FOUND', 'unknown pre-authorised code');
      if (isExpired(record, now.getTime())) throw refuse('OFFER_EXPIRED', 'the pre-authorised code has expired');
      if (record.state !== 'offered') throw refuse('OFFER_ALREADY_USED', 'the pre-authorised code was already used');
      const presented = Buffer.from(digest(typeof grant.txCode === 'string' ? grant.txCode : ''), 'base64url');
      if (!timingSafeEqual(presented, Buffer.from(record.txCodeDigest, 'base64url'))) {
        const failures = await store.recordTxCodeFailure(record.id, maxFailures);
        throw refuse('TX_CODE_INVALID', 'wrong transaction code', {
          attemptsLeft: Math.max(0, maxFailures - failures),
        });
      }
      await authorizationServer.verifyPreAuthorizedCodeAccessTokenRequest({
        authorizationServerMetadata: metadata.authorizationServer,
        grant,
        accessTokenRequest: parsed.accessTokenRequest,
        request,
        expectedPreAuthorizedCode: grant.preAuthorizedCode,
        ...(grant.txCode !== undefined ? { expectedTxCode: grant.txCode } : {}),
        preAuthorizedCodeExpiresAt: new Date(record.expiresAt),
        now,
      });
      // The single-use point: of two concurrent redemptions only one moves the offer on.
      if (!(await store.transition(record.id, 'offered', 'redeemed'))) {
        throw refuse('OFFER_ALREADY_USED', 'the pre-authorised code was already used');
      }
      const { nonce } = await newNonce();
      return authorizationServer.createAccessTokenResponse({
        audience: endpoints.credentialIssuer,
        authorizationServer: endpoints.credentialIssuer,
        expiresInSeconds: tokenTtl,
        subject: record.id,
        signer: { method: 'jwk', publicJwk: tokenKey.publicJwk, alg: 'ES256' },
        cNonce: nonce,
        cNonceExpiresIn: tokenTtl,
        now,
      });
    },

    async nonce() {
      const { nonce } = await newNonce();
      return vci.createNonceResponse({ cNonce: nonce, cNonceExpiresIn: tokenTtl }) as {
        c_nonce: string;
        c_nonce_expires_in: number;
      };
    },

    async credential(request, body) {
      const now = clock();
      let tokenPayload: { sub?: string };
      try {
        ({ tokenPayload } = await resourceServer.verifyResourceRequest({
          request,
          resourceServer: endpoints.credentialIssuer,
          authorizationServers: [metadata.authorizationServer],
          allowedAuthenticationSchemes: [SupportedAuthenticationScheme.Bearer],
          now,
        }));
      } catch (cause) {
        throw new VneidError('ACCESS_TOKEN_INVALID', 'the access token is missing, expired or not ours', { cause });
      }
      const record = await requireOfferForToken(String(tokenPayload.sub ?? ''));
      const parsed = vci.parseCredentialRequest({ issuerMetadata: metadata.result, credentialRequest: body });
      const requested =
        parsed.credentialConfigurationId ??
        (parsed.format?.format === 'ldp_vc'
          ? parsed.format.credential_definition.type.find((t: string) => t !== 'VerifiableCredential')
          : undefined);
      if (requested !== record.type) {
        throw refuse('CREDENTIAL_CONFIGURATION_UNKNOWN', 'this access token is for another document type');
      }
      const jwts = parsed.proofs?.jwt;
      if (!Array.isArray(jwts) || jwts.length !== 1) {
        throw refuse('PROOF_INVALID', 'exactly one jwt proof of possession of the holder key is required');
      }
      const jwt = jwts[0] as string;
      let nonce: unknown;
      try {
        nonce = decodeJwt({ jwt }).payload.nonce;
      } catch (cause) {
        throw new VneidError('PROOF_INVALID', 'the proof is not a JWT', { cause });
      }
      // Taken before verification: a nonce is good for one attempt, valid or not.
      const nonceExpiry = typeof nonce === 'string' ? await store.takeNonce(nonce) : undefined;
      if (nonceExpiry === undefined || nonceExpiry <= now.getTime()) {
        throw refuse('NONCE_INVALID', 'the proof nonce is unknown, used or expired');
      }
      let holder: string;
      try {
        const { signer } = await vci.verifyCredentialRequestJwtProof({
          issuerMetadata: metadata.result,
          jwt,
          expectedNonce: nonce as string,
          nonceExpiresAt: new Date(nonceExpiry),
          now,
        });
        if (signer.method !== 'did' || !signer.didUrl.startsWith('did:key:')) throw new TypeError('not a did:key');
        holder = signer.didUrl.split('#')[0] as string;
      } catch (cause) {
        throw new VneidError('PROOF_INVALID', 'the proof of possession does not verify against a did:key', { cause });
      }
      if (!(await store.transition(record.id, 'redeemed', 'issuing'))) {
        throw refuse('OFFER_ALREADY_USED', 'this offer has already been used');
      }
      let credential: JsonObject;
      try {
        const request: IssueRequest = {
          ministry: record.ministry,
          type: record.type,
          subject: record.subject,
          holder,
          ...(record.validFrom !== undefined ? { validFrom: record.validFrom } : {}),
          ...(record.validUntil !== undefined ? { validUntil: record.validUntil } : {}),
        };
        credential = await issuer.issue(request);
      } catch (error) {
        // Nothing was issued: the wallet may try again with the same token.
        await store.transition(record.id, 'issuing', 'redeemed');
        throw error;
      }
      await store.transition(record.id, 'issuing', 'issued');
      return vci.createCredentialResponse({
        credentialRequest: parsed,
        credentials: [{ credential }],
      }) as Record<string, unknown>;
    },
  };
}
