import { InputLimitError, parseJsonSafely, VneidError } from '@vneid/core';
import type { TrustBundle, TrustBundleProof } from '../types.js';
import { VERIFIER_LIMITS } from './limits.js';

// The largest proof signTrustBundle writes: an unsigned bundle must leave room for it.
const PROOF_ROOM: TrustBundleProof = {
  type: 'DataIntegrityProof',
  cryptosuite: 'eddsa-jcs-2022',
  verificationMethod: `did:key:z${'x'.repeat(120)}#z${'x'.repeat(120)}`,
  created: '2000-01-01T00:00:00Z',
  proofPurpose: 'assertionMethod',
  proofValue: `z${'x'.repeat(90)}`,
};

/**
 * Refuses a bundle that `loadTrustBundle` would refuse for its size: the
 * same parser with the same limits, run over the text as the trust CLI
 * writes it (indented, the larger of the usual forms). A bundle without a
 * proof is measured with room for the largest proof.
 *
 * @throws {VneidError} BUNDLE_LIMIT_EXCEEDED with `details.limit` naming the limit
 *   (`maxBytes`, `maxArrayLength`, `maxKeys`, `maxDepth`, `maxStringLength`) and `details.max` its value.
 */
export function assertWithinVerifierLimits(bundle: TrustBundle): void {
  const measured = bundle.proof === undefined ? { ...bundle, proof: PROOF_ROOM } : bundle;
  try {
    parseJsonSafely(JSON.stringify(measured, null, 2), VERIFIER_LIMITS.trustBundle);
  } catch (error) {
    if (!(error instanceof InputLimitError)) throw error;
    const limit = String(error.details?.limit ?? 'unknown') as keyof typeof VERIFIER_LIMITS.trustBundle;
    const max = VERIFIER_LIMITS.trustBundle[limit];
    const pointer = String(error.details?.pointer ?? '');
    const hint = /^\/issuers\/\d+\/statusLists$/.test(pointer) ? '; name the lists by statusListPrefix' : '';
    throw new VneidError(
      'BUNDLE_LIMIT_EXCEEDED',
      `verifiers would refuse this trust bundle: ${error.message} (${limit} ${max})${hint}`,
      {
        cause: error,
        details: { limit, max, ...(error.details?.pointer !== undefined ? { pointer: error.details.pointer } : {}) },
      },
    );
  }
}
