import type { DocumentLoader } from '../../document-loader.js';
import { canonizeFast } from '../canonize-fast.js';
import { ephemeralPublicKey, sha256, verifyP256 } from '../p256.js';
import { type CountedCanonical, canonicalThroughTemplate, relabelStatements } from './canonical.js';
import { assertionKeyOf, credentialChecksPass, hasPlainSdProofShape, isVc2, type JsonObject } from './proof-checks.js';
import { parseDerivedProofValue } from './proof-value.js';

/**
 * Accepts a derived ecdsa-sd-2023 credential (proofValue `u2V0B…`) when it
 * is the plain case the library would also accept, computing what the
 * cryptosuite's verify.js computes without its JSON-LD processing: the
 * revealed document's canonical form comes from its shape's compiled
 * template, relabelled through the proof's label map exactly as
 * di-sd-primitives does it; then the mandatory hash, one ephemeral-key
 * signature per non-mandatory statement and the issuer's base signature
 * over proofHash ‖ publicKey ‖ mandatoryHash.
 *
 * Preconditions are verifyRdfcFast's (plain proof shape, Multikey listed
 * under `assertionMethod`, the issuer controlling it when `bindIssuer`,
 * vc's `_checkCredential`). Any doubt or failure — including a shape not
 * compiled yet — returns `false`, and the caller asks the library, whose
 * verdict and error then stand. So this can only say yes where the library
 * says yes.
 *
 * @see https://www.w3.org/TR/vc-di-ecdsa/#verify-derived-proof-ecdsa-sd-2023
 */
export async function verifyDerivedSdFast(options: {
  credential: JsonObject;
  documentLoader: DocumentLoader;
  bindIssuer: boolean;
  now: string | undefined;
}): Promise<boolean> {
  const { credential, documentLoader, bindIssuer } = options;
  const proof = credential.proof;
  if (!hasPlainSdProofShape(proof) || !isVc2(credential)) return false;
  const derived = parseDerivedProofValue(proof.proofValue);
  if (!derived) return false;
  if (bindIssuer && !credentialChecksPass(credential, options.now)) return false;
  const issuerKey = await assertionKeyOf(credential, proof.verificationMethod as string, documentLoader, bindIssuer);
  const ephemeralKey = ephemeralPublicKey(derived.publicKey);
  if (!issuerKey || !ephemeralKey) return false;

  // jsonld-signatures hands the suite the document without `proof` and the
  // proof with the document's context; hashCanonizedProof drops proofValue.
  const { proofValue: _value, ...proofOptions } = proof;
  const { proof: _proof, ...revealed } = credential;
  let proofCanonical: string;
  let revealedCanonical: CountedCanonical | undefined;
  try {
    [proofCanonical, revealedCanonical] = await Promise.all([
      canonizeFast({ '@context': credential['@context'], ...proofOptions }, documentLoader),
      canonicalThroughTemplate(revealed, documentLoader),
    ]);
  } catch {
    return false;
  }
  if (!revealedCanonical) return false;

  const { labelMap, mandatoryIndexes, signatures } = derived;
  const statements = relabelStatements(revealedCanonical, (label) => labelMap.get(label));
  const mandatory: string[] = [];
  const nonMandatory: string[] = [];
  for (let i = 0; i < statements.length; i++) {
    (mandatoryIndexes.includes(i) ? mandatory : nonMandatory).push(statements[i]!);
  }
  if (signatures.length !== nonMandatory.length) return false;
  for (let i = 0; i < signatures.length; i++) {
    if (!verifyP256(ephemeralKey, Buffer.from(nonMandatory[i]!, 'utf8'), signatures[i]!)) return false;
  }
  const toVerify = Buffer.concat([sha256(proofCanonical), derived.publicKey, sha256(mandatory.join(''))]);
  return verifyP256(issuerKey.key, toVerify, derived.baseSignature);
}
