// The preconditions the fast verifiers share (../proof-preconditions.ts),
// applied to an ecdsa-sd-2023 proof: the same plain proof shape with a `u…`
// value, a P-256 Multikey under `assertionMethod`, the issuer binding.
import type { DocumentLoader } from '../../document-loader.js';
import type { NodePublicKey } from '../node-keys.js';
import { nodePublicKey } from '../node-keys.js';
import {
  createdIsAccepted,
  credentialChecksPass,
  isVc2,
  load,
  PLAIN_PROOF_KEYS,
  relationshipKeyOf,
} from '../proof-preconditions.js';

export { credentialChecksPass, isVc2 };

export type JsonObject = Record<string, unknown>;

export const SD_SUITE = 'ecdsa-sd-2023';

/** An issuer's assertion proof of this suite with exactly the properties our issuers write. */
export function hasPlainSdProofShape(proof: unknown): proof is JsonObject {
  if (!proof || typeof proof !== 'object' || Array.isArray(proof)) return false;
  const p = proof as JsonObject;
  for (const key of Object.keys(p)) if (!PLAIN_PROOF_KEYS.has(key)) return false;
  return (
    p.type === 'DataIntegrityProof' &&
    p.cryptosuite === SD_SUITE &&
    p.proofPurpose === 'assertionMethod' &&
    typeof p.verificationMethod === 'string' &&
    typeof p.proofValue === 'string' &&
    p.proofValue.startsWith('u') &&
    createdIsAccepted(p.created)
  );
}

/**
 * The P-256 key of the proof's verification method, when it is a Multikey
 * listed under `assertionMethod` by its controller's DID document and, with
 * `bindIssuer`, that controller is the credential's issuer. `undefined` for
 * anything else (the library then decides).
 */
export function assertionKeyOf(
  credential: JsonObject,
  verificationMethod: string,
  documentLoader: DocumentLoader,
  bindIssuer: boolean,
): Promise<NodePublicKey | undefined> {
  return relationshipKeyOf({
    document: credential,
    verificationMethod,
    documentLoader,
    keyType: 'P-256',
    relationship: 'assertionMethod',
    bindIssuer,
  });
}

/** The P-256 key of a Multikey verification method, loaded as it is (no relationship checked). */
export async function verificationKeyOf(
  verificationMethod: unknown,
  documentLoader: DocumentLoader,
): Promise<NodePublicKey | undefined> {
  if (typeof verificationMethod !== 'string') return undefined;
  const method = await load(documentLoader, verificationMethod);
  if (method?.type !== 'Multikey') return undefined;
  const key = nodePublicKey(method.publicKeyMultibase);
  return key?.keyType === 'P-256' ? key : undefined;
}
