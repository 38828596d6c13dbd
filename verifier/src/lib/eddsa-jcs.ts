import { createHash, createPublicKey, verify as edVerify } from 'node:crypto';
import { canonicalJson, decodeBase58, encodeBase58, type Signer } from '@vneid/core';

// SubjectPublicKeyInfo DER header of an Ed25519 key (RFC 8410): the raw
// 32-byte key follows. Lets node:crypto verify without another dependency.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
// Multicodec ed25519-pub (0xed, varint 0xed01).
const ED25519_MULTICODEC = [0xed, 0x01];

/** The proof options an eddsa-jcs-2022 signature covers. */
export interface JcsProofConfig {
  type: 'DataIntegrityProof';
  cryptosuite: 'eddsa-jcs-2022';
  created: string;
  verificationMethod: string;
  proofPurpose: string;
  '@context'?: unknown;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * The bytes an eddsa-jcs-2022 signature covers (vc-di-eddsa §3.3.4 hashing):
 * sha256(JCS(proof config)) ‖ sha256(JCS(document without proof)). When the
 * document has an `@context`, the proof configuration carries the same one
 * (§3.3.5 proof configuration).
 */
export function jcsHashData(document: Record<string, unknown>, config: JcsProofConfig): Uint8Array {
  const { proof: _ignored, ...unsecured } = document;
  const proofConfig: Record<string, unknown> = { ...config };
  if (unsecured['@context'] !== undefined) proofConfig['@context'] = unsecured['@context'];
  return Buffer.concat([sha256(canonicalJson(proofConfig)), sha256(canonicalJson(unsecured))]);
}

/** Signs `document` (any plain JSON object) and returns the proof to attach. */
export async function createJcsProof(
  document: Record<string, unknown>,
  options: { signer: Signer; verificationMethod: string; created: string },
): Promise<JcsProofConfig & { proofValue: string }> {
  const config: JcsProofConfig = {
    type: 'DataIntegrityProof',
    cryptosuite: 'eddsa-jcs-2022',
    created: options.created,
    verificationMethod: options.verificationMethod,
    proofPurpose: 'assertionMethod',
  };
  const signature = await options.signer.sign({ data: jcsHashData(document, config) });
  return { ...config, proofValue: `z${encodeBase58(signature)}` };
}

/** The raw 32-byte Ed25519 key of a Multikey `z6Mk…` value, or `undefined`. */
export function ed25519FromMultibase(publicKeyMultibase: string): Uint8Array | undefined {
  if (!/^z6Mk[1-9A-HJ-NP-Za-km-z]{40,50}$/.test(publicKeyMultibase)) return undefined;
  const bytes = decodeBase58(publicKeyMultibase.slice(1));
  if (bytes?.length !== 34 || bytes[0] !== ED25519_MULTICODEC[0] || bytes[1] !== ED25519_MULTICODEC[1]) {
    return undefined;
  }
  return bytes.slice(2);
}

/**
 * Verifies the eddsa-jcs-2022 proof of `document` with `publicKeyMultibase`.
 * Only the canonical base58btc encoding of a 64-byte signature is accepted,
 * so that one signature has one spelling.
 */
export function verifyJcsProof(document: Record<string, unknown>, publicKeyMultibase: string): boolean {
  const proof = document.proof as Record<string, unknown> | undefined;
  if (!proof || typeof proof !== 'object' || Array.isArray(proof)) return false;
  const { proofValue, type, cryptosuite, created, verificationMethod, proofPurpose } = proof;
  if (type !== 'DataIntegrityProof' || cryptosuite !== 'eddsa-jcs-2022') return false;
  if (typeof created !== 'string' || typeof verificationMethod !== 'string' || typeof proofPurpose !== 'string') {
    return false;
  }
  if (typeof proofValue !== 'string' || !/^z[1-9A-HJ-NP-Za-km-z]{80,90}$/.test(proofValue)) return false;
  const signature = decodeBase58(proofValue.slice(1));
  if (signature?.length !== 64 || `z${encodeBase58(signature)}` !== proofValue) return false;
  const raw = ed25519FromMultibase(publicKeyMultibase);
  if (!raw) return false;
  // The signed configuration is exactly the proof minus its value: any other
  // member added to the proof would be unsigned, so it is refused.
  const extra = Object.keys(proof).filter(
    (k) =>
      !['type', 'cryptosuite', 'created', 'verificationMethod', 'proofPurpose', 'proofValue', '@context'].includes(k),
  );
  if (extra.length > 0) return false;
  const data = jcsHashData(document, { type, cryptosuite, created, verificationMethod, proofPurpose });
  try {
    const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    return edVerify(null, data, key, signature);
  } catch {
    return false;
  }
}
