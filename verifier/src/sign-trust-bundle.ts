import type { KeyPair } from '@vneid/core';
import { assertWithinVerifierLimits } from './lib/bundle-limits.js';
import { assertTrustBundleShape } from './lib/bundle-shape.js';
import { createJcsProof } from './lib/eddsa-jcs.js';
import type { TrustBundle } from './types.js';

/**
 * Signs a trust bundle with the trust anchor's Ed25519 key: an eddsa-jcs-2022
 * Data Integrity proof over the JCS form of the bundle (any previous proof is
 * replaced). The input is not changed.
 *
 * @example
 * const anchor = await generateKeyPair({ keyType: 'Ed25519' });
 * const signed = await signTrustBundle(createTrustBundle({ … }), anchor);
 * @throws {TypeError} when the anchor key is not an Ed25519 key with its secret.
 * @throws {MalformedValueError} MALFORMED_VALUE_ERROR when the bundle is malformed.
 * @throws {VneidError} BUNDLE_LIMIT_EXCEEDED when verifiers would refuse the signed bundle for its size
 *   (`details.limit` names the limit).
 * @see https://www.w3.org/TR/vc-di-eddsa/#eddsa-jcs-2022
 */
export async function signTrustBundle(
  bundle: TrustBundle,
  anchorKey: KeyPair,
  options: { now?: Date } = {},
): Promise<TrustBundle> {
  if (anchorKey?.keyType !== 'Ed25519') throw new TypeError('the anchor key must be an Ed25519 KeyPair');
  const { proof: _previous, ...unsigned } = structuredClone(bundle);
  assertTrustBundleShape(unsigned, { requireProof: false });
  const created = (options.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const proof = await createJcsProof(unsigned as unknown as Record<string, unknown>, {
    signer: anchorKey.signer(),
    verificationMethod: anchorKey.id,
    created,
  });
  const signed = { ...unsigned, proof } as TrustBundle;
  assertWithinVerifierLimits(signed);
  return signed;
}
