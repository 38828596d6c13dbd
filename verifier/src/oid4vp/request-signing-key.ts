import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

/** The key a relying party signs its OpenID4VP request objects with (P-256, ES256). */
export interface RequestSigningKey {
  privateKey: KeyObject;
  publicJwk: JWK;
  /** RFC 7638 SHA-256 thumbprint: what the trust bundle registers as the relying party's `requestKeys`. */
  thumbprint: string;
}

/**
 * A fresh P-256 request-signing key. The trust authority registers its
 * thumbprint under the relying party (`requestKeys`), so a wallet accepts a
 * request under the relying party's client id only when this key signed it.
 *
 * @example
 * const key = await createRequestSigningKey(); registration.requestKeys = [key.thumbprint]
 */
export async function createRequestSigningKey(): Promise<RequestSigningKey> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' }) as JWK;
  const publicJwk: JWK = { kty, crv, x, y };
  return {
    privateKey,
    publicJwk: { ...publicJwk, alg: 'ES256', use: 'sig' },
    thumbprint: await (await import('jose')).calculateJwkThumbprint(publicJwk),
  };
}
