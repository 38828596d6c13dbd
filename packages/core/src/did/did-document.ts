import { DID_V1_CONTEXT_URL, MULTIKEY_V1_CONTEXT_URL } from '../contexts.js';

/** A Multikey verification method as it appears in a DID document. */
export interface MultikeyVerificationMethod {
  id: string;
  type: 'Multikey';
  controller: string;
  publicKeyMultibase: string;
}

/** The subset of a DID document this project reads and writes. */
export interface DidDocument {
  '@context': string[];
  id: string;
  verificationMethod: MultikeyVerificationMethod[];
  assertionMethod?: string[];
  authentication?: string[];
  [key: string]: unknown;
}

/**
 * Builds a DID document listing every key as a verification method. Keys that
 * may still verify old credentials stay listed after rotation; only
 * `assertionMethod` keys are accepted for issuance proofs.
 */
export function createDidDocument(options: {
  did: string;
  verificationMethods: Array<Pick<MultikeyVerificationMethod, 'id' | 'publicKeyMultibase'>>;
  assertionMethod?: string[];
  authentication?: string[];
}): DidDocument {
  const verificationMethod = options.verificationMethods.map((vm) => ({
    id: vm.id,
    type: 'Multikey' as const,
    controller: options.did,
    publicKeyMultibase: vm.publicKeyMultibase,
  }));
  const ids = verificationMethod.map((vm) => vm.id);
  return {
    '@context': [DID_V1_CONTEXT_URL, MULTIKEY_V1_CONTEXT_URL],
    id: options.did,
    verificationMethod,
    assertionMethod: options.assertionMethod ?? ids,
    authentication: options.authentication ?? ids,
  };
}
