import { decode } from 'cborg';
import { canonize } from './canonize.js';
import type { DocumentLoader } from './document-loader.js';
import { SD_DERIVED_HEADER } from './lib/sd-proof-headers.js';
import type { JsonObject } from './sign-credential.js';

const DERIVED_HEADER = SD_DERIVED_HEADER;

/**
 * How many statements a derived ecdsa-sd-2023 credential shows, and how many
 * its proof covers (one signature per non-mandatory statement plus the
 * mandatory ones). More shown than covered means a claim was injected beside
 * the disclosed ones; fewer means one was removed. Used to name a failed
 * proof precisely, never to accept one.
 *
 * @returns undefined when the document does not carry a well-formed derived proof.
 * @see https://www.w3.org/TR/vc-di-ecdsa/#parsederivedproofvalue
 */
export async function countDisclosedStatements(
  credential: JsonObject,
  options: { documentLoader: DocumentLoader },
): Promise<{ shown: number; covered: number } | undefined> {
  const proof = credential.proof as JsonObject | undefined;
  if (!proof || typeof proof.proofValue !== 'string' || !proof.proofValue.startsWith('u')) return undefined;
  const bytes = Buffer.from(proof.proofValue.slice(1), 'base64url');
  if (!DERIVED_HEADER.every((b, i) => bytes[i] === b)) return undefined;
  let signatures: unknown;
  let mandatoryIndexes: unknown;
  try {
    const tags: Array<(inner: unknown) => unknown> = [];
    tags[64] = (inner) => inner;
    [, , signatures, , mandatoryIndexes] = decode(bytes.subarray(3), { useMaps: true, tags }) as unknown[];
  } catch {
    return undefined;
  }
  if (!Array.isArray(signatures) || !Array.isArray(mandatoryIndexes)) return undefined;
  const { proof: _omitted, ...document } = credential;
  let nquads: string;
  try {
    nquads = await canonize(document, options);
  } catch {
    return undefined;
  }
  const shown = nquads.split('\n').filter((line) => line.length > 0).length;
  return { shown, covered: signatures.length + mandatoryIndexes.length };
}
