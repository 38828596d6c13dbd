import { createHash, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import type { CallbackContext, Jwk, JwtSigner } from '@openid4vc/oauth2';
import { didKeyToPublicJwk } from '@vneid/core';
import { CompactSign, compactVerify, importJWK } from 'jose';

/** The JWS algorithms a holder proof may use: our two key types. */
export const HOLDER_PROOF_ALGS = ['EdDSA', 'ES256'] as const;

/** The issuer's access-token signing key (P-256, ES256), kept in memory for the life of the process. */
export interface TokenSigningKey {
  privateKey: KeyObject;
  publicJwk: Jwk;
  kid: string;
}

/** A fresh token signing key; tokens live minutes, so a restart simply invalidates outstanding ones. */
export function createTokenSigningKey(): TokenSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' }) as Jwk;
  const kid = createHash('sha256')
    .update(JSON.stringify([jwk.crv, jwk.x, jwk.y]))
    .digest('base64url');
  return { privateKey, publicJwk: { ...jwk, kid, use: 'sig', alg: 'ES256' }, kid };
}

function algorithmsFor(jwk: Jwk): string[] {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return ['EdDSA'];
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return ['ES256'];
  return [];
}

function publicJwkOf(signer: JwtSigner): Jwk | undefined {
  if (signer.method === 'jwk') return signer.publicJwk;
  if (signer.method === 'did') {
    try {
      return didKeyToPublicJwk(signer.didUrl) as Jwk;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * The callbacks @openid4vc needs, on jose and node:crypto: ES256 signing of
 * access tokens with the issuer's in-memory key; verification of JWTs signed
 * by a JWK or by a holder's did:key (resolved offline, Ed25519 or P-256 only,
 * and only with the algorithm of the key's type — never `none`, never HS*);
 * a `fetch` that answers the token key set from memory and refuses every
 * other URL, so verifying our own access tokens opens no connection.
 */
export function issuerCallbacks(options: {
  tokenKey: TokenSigningKey;
  jwksUri: string;
}): Omit<CallbackContext, 'encryptJwe' | 'decryptJwe'> {
  const { tokenKey, jwksUri } = options;
  return {
    hash: (data, alg) => {
      if (alg !== 'sha-256') throw new TypeError(`unsupported hash ${alg}`);
      return createHash('sha256').update(data).digest();
    },
    generateRandom: (length) => randomBytes(length),
    clientAuthentication: () => {},
    fetch: async (input) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : (input as Request).url;
      if (url !== jwksUri) throw new TypeError('the issuer fetches nothing but its own token key set');
      return new Response(JSON.stringify({ keys: [tokenKey.publicJwk] }), {
        headers: { 'content-type': 'application/json' },
      });
    },
    signJwt: async (signer, { header, payload }) => {
      if (signer.method !== 'jwk' || signer.publicJwk.kid !== tokenKey.kid || signer.alg !== 'ES256') {
        throw new TypeError('the issuer signs only access tokens, with its token key');
      }
      const jwt = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
        .setProtectedHeader({ ...header, alg: 'ES256', kid: tokenKey.kid })
        .sign(tokenKey.privateKey);
      return { jwt, signerJwk: tokenKey.publicJwk };
    },
    verifyJwt: async (signer, { compact }) => {
      const jwk = publicJwkOf(signer);
      if (!jwk) return { verified: false };
      const algorithms = algorithmsFor(jwk);
      if (!algorithms.includes(signer.alg)) return { verified: false, signerJwk: jwk };
      try {
        const key = await importJWK({ ...jwk, alg: signer.alg }, signer.alg);
        await compactVerify(compact, key, { algorithms });
        return { verified: true, signerJwk: jwk };
      } catch {
        return { verified: false, signerJwk: jwk };
      }
    },
  };
}
