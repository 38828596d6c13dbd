import { createHash, randomBytes } from 'node:crypto';
import type { CallbackContext, Jwk } from '@openid4vc/oauth2';
import { didKeyToPublicJwk, type KeyPair, privateKeyObjectOf } from '@vneid/core';
import { CompactSign, compactVerify, importJWK } from 'jose';

function algorithmsFor(jwk: Jwk): string[] {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return ['EdDSA'];
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return ['ES256'];
  return [];
}

/**
 * The callbacks @openid4vc needs on the holder's side: JWTs signed only by
 * the wallet's holder key (its did:key URL as `kid`), verification of JWK- or
 * did:key-signed JWTs with the algorithm of the key's type only, SHA-256 and
 * randomness from node:crypto. Requests go through the global fetch.
 */
export function holderCallbacks(holderKey: KeyPair): Omit<CallbackContext, 'encryptJwe' | 'decryptJwe'> {
  const publicJwk = didKeyToPublicJwk(holderKey.id) as Jwk;
  return {
    hash: (data, alg) => {
      if (alg !== 'sha-256') throw new TypeError(`unsupported hash ${alg}`);
      return createHash('sha256').update(data).digest();
    },
    generateRandom: (length) => randomBytes(length),
    clientAuthentication: () => {},
    signJwt: async (signer, { header, payload }) => {
      if (signer.method !== 'did' || signer.didUrl !== holderKey.id) {
        throw new TypeError('the wallet signs only with its holder key');
      }
      const jwt = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
        .setProtectedHeader({ ...header, alg: signer.alg, kid: holderKey.id })
        .sign(privateKeyObjectOf(holderKey));
      return { jwt, signerJwk: publicJwk };
    },
    verifyJwt: async (signer, { compact }) => {
      let jwk: Jwk | undefined;
      try {
        jwk =
          signer.method === 'jwk'
            ? signer.publicJwk
            : signer.method === 'did'
              ? (didKeyToPublicJwk(signer.didUrl) as Jwk)
              : undefined;
      } catch {
        jwk = undefined;
      }
      if (!jwk) return { verified: false };
      const algorithms = algorithmsFor(jwk);
      if (!algorithms.includes(signer.alg)) return { verified: false, signerJwk: jwk };
      try {
        await compactVerify(compact, await importJWK({ ...jwk, alg: signer.alg }, signer.alg), { algorithms });
        return { verified: true, signerJwk: jwk };
      } catch {
        return { verified: false, signerJwk: jwk };
      }
    },
  };
}
