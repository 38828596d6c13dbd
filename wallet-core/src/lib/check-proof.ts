import {
  canonicalJson,
  type DocumentLoader,
  deriveCredential,
  type JsonObject,
  ProofVerificationError,
  sdProofKind,
  type VneidError,
  verifyCredentialProof,
} from '@vneid/core';

/**
 * Checks a credential's issuer proof offline.
 *
 * ecdsa-sd-2023 verifiers accept only derived proofs, so a base credential is
 * checked the way a verifier will see it: derived with every claim disclosed,
 * verified, and compared with the original — a claim the derivation dropped
 * (because the signature does not cover it) makes the comparison fail.
 * rdfc suites are verified directly. Either way the proof's key must belong
 * to the credential's issuer.
 *
 * @throws {VneidError} PROOF_VERIFICATION_ERROR (or the more precise code the core reports,
 *   e.g. DID_NOT_FOUND for a did:web issuer the resolver does not hold).
 */
export async function checkIssuerProof(
  credential: JsonObject,
  cryptosuite: string,
  documentLoader: DocumentLoader,
): Promise<void> {
  let toVerify = credential;
  if (cryptosuite === 'ecdsa-sd-2023') {
    const proofValue = (credential.proof as JsonObject).proofValue;
    if (sdProofKind(proofValue) !== 'base') {
      throw new ProofVerificationError('the wallet holds ecdsa-sd-2023 base credentials only (derived one given)');
    }
    const everything = Object.keys(credential)
      .filter((k) => k !== '@context' && k !== 'proof')
      .map((k) => `/${k}`);
    try {
      toVerify = await deriveCredential({ credential, selectivePointers: everything, documentLoader });
    } catch (error) {
      throw asProofError(error);
    }
    if (withoutProof(toVerify) !== withoutProof(credential)) {
      throw new ProofVerificationError('the base proof does not cover every claim of the credential');
    }
  } else if (cryptosuite !== 'eddsa-rdfc-2022' && cryptosuite !== 'ecdsa-rdfc-2019') {
    throw new ProofVerificationError(`unsupported cryptosuite ${cryptosuite.slice(0, 40)}`);
  }
  const result = await verifyCredentialProof({ credential: toVerify, documentLoader });
  if (!result.verified) throw result.error ?? new ProofVerificationError('proof does not verify');
}

function withoutProof(document: JsonObject): string {
  const { proof: _proof, ...rest } = document;
  return canonicalJson(rest);
}

// Deriving over a tampered base credential fails inside the library (bad
// signature over the mandatory claims surfaces at verification, bad CBOR at
// derivation); either way, to a caller it is a proof that does not verify.
function asProofError(error: unknown): VneidError {
  const e = error as VneidError;
  if (e?.code === 'PROOF_GENERATION_ERROR') {
    return new ProofVerificationError('the base proof cannot be processed', { cause: error });
  }
  return e;
}
