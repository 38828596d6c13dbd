// What a verifier or wallet built on the plain Digital Bazaar libraries does
// per operation, every call: no compiled templates, no status cache. These
// are the baselines "N× faster" is measured against. Suites come from core's
// constructors (`createDerivingSuite`, …), which only wrap the library's
// DataIntegrityProof and cryptosuites.
import * as vc from '@digitalbazaar/vc';
import {
  CREDENTIALS_V2_CONTEXT_URL,
  createDerivingSuite,
  createSigningSuite,
  createVerifyingSuites,
  type DocumentLoader,
  decodeStatusList,
  type JsonObject,
  type KeyPair,
  MAX_STATUS_LIST_BYTES,
  parseStatusListIndex,
} from '@vneid/core';
import { verifyCredentialProofWithLibrary } from '@vneid/core/testing';

/** `vc.derive` with the ecdsa-sd-2023 disclose cryptosuite. */
export async function deriveWithLibrary(
  credential: JsonObject,
  selectivePointers: string[],
  documentLoader: DocumentLoader,
): Promise<JsonObject> {
  return vc.derive({
    verifiableCredential: structuredClone(credential),
    suite: createDerivingSuite({ selectivePointers }),
    documentLoader,
  });
}

// A status list credential carries its whole gzip bitstring in one string.
const STATUS_LIST_LIMITS = { maxStringLength: Math.ceil((MAX_STATUS_LIST_BYTES * 4) / 3) + 64 };

/**
 * The library's per-credential status check, as vc-bitstring-status-list
 * does it: for each `credentialStatus` entry, get the status list credential
 * (here from memory: no network cost is charged to the library), verify its
 * proof with the library, decode the bitstring, read the bit.
 *
 * @returns the bits read, one per entry.
 */
export async function checkStatusWithLibrary(
  credential: JsonObject,
  statusLists: ReadonlyMap<string, JsonObject>,
  documentLoader: DocumentLoader,
): Promise<boolean[]> {
  const entries = [credential.credentialStatus ?? []].flat() as JsonObject[];
  const bits: boolean[] = [];
  for (const entry of entries) {
    const list = statusLists.get(entry.statusListCredential as string);
    if (!list) throw new Error(`no status list ${String(entry.statusListCredential)}`);
    const result = await verifyCredentialProofWithLibrary({
      credential: list,
      documentLoader,
      limits: STATUS_LIST_LIMITS,
    });
    if (!result.verified) throw new Error(`status list does not verify: ${result.error?.message}`);
    const subject = list.credentialSubject as JsonObject;
    if (subject.statusPurpose !== entry.statusPurpose) throw new Error('status list purpose differs');
    const bitstring = decodeStatusList(subject.encodedList as string);
    bits.push(bitstring.getStatus(parseStatusListIndex(entry.statusListIndex, bitstring.length)));
  }
  return bits;
}

/** A plain-library verifier on one credential: its proof, then its status. */
export async function verifyWithStatusWithLibrary(
  credential: JsonObject,
  statusLists: ReadonlyMap<string, JsonObject>,
  documentLoader: DocumentLoader,
): Promise<void> {
  const proof = await verifyCredentialProofWithLibrary({ credential, documentLoader });
  if (!proof.verified) throw new Error(`library verify failed: ${proof.error?.message}`);
  const bits = await checkStatusWithLibrary(credential, statusLists, documentLoader);
  if (bits.some(Boolean)) throw new Error('benchmark credential is revoked or suspended');
}

/** A plain-library wallet answering a request: derive, wrap, sign the presentation (no storage, no log). */
export async function presentWithLibrary(options: {
  credential: JsonObject;
  selectivePointers: string[];
  holderKey: KeyPair;
  challenge: string;
  domain: string;
  documentLoader: DocumentLoader;
}): Promise<JsonObject> {
  const derived = await deriveWithLibrary(options.credential, options.selectivePointers, options.documentLoader);
  const presentation = {
    '@context': [CREDENTIALS_V2_CONTEXT_URL],
    type: ['VerifiablePresentation'],
    holder: options.holderKey.controller,
    verifiableCredential: [derived],
  };
  return vc.signPresentation({
    presentation,
    suite: createSigningSuite({ cryptosuite: 'eddsa-rdfc-2022', key: options.holderKey }),
    challenge: options.challenge,
    domain: options.domain,
    documentLoader: options.documentLoader,
  });
}

/**
 * A plain-library verifier on a presentation: `vc.verify` (the holder's
 * proof bound to challenge and domain, then every credential's proof and
 * dates) with the library status check as its `checkStatus`.
 */
export async function verifyPresentationWithLibrary(options: {
  presentation: JsonObject;
  challenge: string;
  domain: string;
  statusLists: ReadonlyMap<string, JsonObject>;
  documentLoader: DocumentLoader;
}): Promise<void> {
  const { statusLists, documentLoader } = options;
  const result = await vc.verify({
    presentation: options.presentation,
    suite: createVerifyingSuites(),
    challenge: options.challenge,
    domain: options.domain,
    documentLoader,
    checkStatus: async ({ credential }: { credential: JsonObject }) => {
      const bits = await checkStatusWithLibrary(credential, statusLists, documentLoader);
      return { verified: !bits.some(Boolean) };
    },
  });
  if (result.verified !== true) {
    const error = result.error ?? result.presentationResult?.error ?? result.credentialResults?.[0]?.error;
    throw new Error(`library presentation verify failed: ${error?.message ?? JSON.stringify(result).slice(0, 300)}`);
  }
}
