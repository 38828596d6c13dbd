import type { KeyObject } from 'node:crypto';
import { InvalidKeyError } from './errors.js';
import { nodePrivateKey, nodePublicKey } from './fast/node-keys.js';
import type { KeyPair, KeyType } from './keys.js';

/** A public JSON Web Key of one of our key types (RFC 7517 / RFC 8037). */
export interface PublicJwk {
  kty: 'OKP' | 'EC';
  crv: 'Ed25519' | 'P-256';
  x: string;
  y?: string;
}

/** The JWS `alg` a key type signs with: EdDSA for Ed25519, ES256 for P-256. */
export function jwsAlgorithmOf(keyType: KeyType): 'EdDSA' | 'ES256' {
  return keyType === 'Ed25519' ? 'EdDSA' : 'ES256';
}

/**
 * The public JWK of a did:key (or of one of its DID URLs, `did:key:z…#z…`).
 * OpenID4VCI proofs and OpenID4VP responses carry JWTs whose signer is a
 * holder's did:key; JOSE libraries verify against JWKs.
 *
 * @example
 * const jwk = didKeyToPublicJwk('did:key:z6Mk…#z6Mk…') // { kty: 'OKP', crv: 'Ed25519', x: '…' }
 * @throws {InvalidKeyError} INVALID_KEY for anything but an Ed25519 or P-256 did:key whose fragment, if any, names its key.
 */
export function didKeyToPublicJwk(didUrl: string): PublicJwk {
  if (typeof didUrl !== 'string' || didUrl.length > 256 || !didUrl.startsWith('did:key:z')) {
    throw new InvalidKeyError('not a did:key');
  }
  const [did, fragment, ...rest] = didUrl.split('#');
  const multibase = (did as string).slice('did:key:'.length);
  if (rest.length > 0 || (fragment !== undefined && fragment !== multibase)) {
    throw new InvalidKeyError('the DID URL does not name the did:key itself');
  }
  const imported = nodePublicKey(multibase);
  if (!imported) throw new InvalidKeyError('the did:key is not an Ed25519 or P-256 key');
  const jwk = imported.key.export({ format: 'jwk' }) as unknown as PublicJwk;
  return jwk.kty === 'EC'
    ? { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y as string }
    : { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
}

/**
 * A node:crypto private key of a key pair that holds its secret, for JOSE
 * signing (jose accepts a KeyObject).
 *
 * @throws {InvalidKeyError} INVALID_KEY when the key pair has no usable secret.
 */
export function privateKeyObjectOf(keyPair: KeyPair): KeyObject {
  const key = nodePrivateKey(keyPair);
  if (!key) throw new InvalidKeyError('the key pair has no usable secret key');
  return key;
}
