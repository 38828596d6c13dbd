import type { KeyType } from '@vneid/core';
import { VneidError } from '@vneid/core';
import type { IssuerContext } from './lib/context.js';
import { createKey, ISSUER_KEY_TYPES } from './lib/keys.js';
import type { KeyRecord } from './lib/types.js';

/**
 * Creates a new signing key of `keyType` (default P-256) for a ministry. It
 * signs from now on; the previous key of that type is retired (`validUntil`
 * set, never signs again) and stays in the DID document and the trust bundle
 * so that what it signed keeps verifying. `createKey` and `rotateKey` are the
 * same operation: with no previous key there is nothing to retire. Every
 * replica sees the rotation: signing reads the ministry's keys from the
 * storage, and an issuance whose key was retired while it signed is refused.
 *
 * @example
 * const key = await issuer.rotateKey('bo-cong-an'); // key.id === 'did:web:…:bo-cong-an#key-2'
 * @throws {VneidError} UNKNOWN_MINISTRY
 * @throws {TypeError} for a key type other than P-256, Ed25519 or P-384 (ecdsa-rdfc-2019 with SHA-384).
 */
export async function rotateKey(ctx: IssuerContext, slug: string, keyType: KeyType = 'P-256'): Promise<KeyRecord> {
  if (!ISSUER_KEY_TYPES.includes(keyType)) throw new TypeError(`keyType must be one of ${ISSUER_KEY_TYPES.join(', ')}`);
  if (typeof slug !== 'string' || (await ctx.storage.getMinistry(slug)) === undefined) {
    throw new VneidError('UNKNOWN_MINISTRY', `no ministry ${String(slug).slice(0, 64)}`, {
      details: { ministry: String(slug).slice(0, 64) },
    });
  }
  return createKey(ctx, slug, keyType);
}
