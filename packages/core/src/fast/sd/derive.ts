import { selectJsonLd } from '@digitalbazaar/di-sd-primitives';
import * as vc from '@digitalbazaar/vc';
import type { DocumentLoader } from '../../document-loader.js';
import { createDerivingSuite } from '../../suites.js';
import { canonizeFast } from '../canonize-fast.js';
import { fillTemplate } from '../compile-template.js';
import { checkCredentialAsVc } from '../library-internals.js';
import { sha256, verifyP256 } from '../p256.js';
import {
  canonicalThroughLibrary,
  canonicalThroughTemplate,
  relabelStatements,
  type Templated,
  templated,
} from './canonical.js';
import { labelledCanonical, labelsOfQuads } from './labelled-canonical.js';
import { planApplies, pointersWalkable } from './plan-guards.js';
import { type DerivePlan, planKey, quadSetOf, storedPlan, storePlan } from './plans.js';
import { isVc2, type JsonObject, SD_SUITE, verificationKeyOf } from './proof-checks.js';
import {
  type BaseProofValue,
  parseBaseProofValue,
  parseDerivedProofValue,
  serializeDerivedProofValue,
} from './proof-value.js';
import { type HmacStatements, hmacStatements, statementsOfQuads } from './statements.js';

const BASE_PROOF_KEYS = new Set(['type', 'created', 'verificationMethod', 'cryptosuite', 'proofPurpose', 'proofValue']);
/** Documents of a template that could not teach its grouping (ties, repeats) before it is left to the library. */
const MAX_LESSONS = 8;
const lessons = new WeakMap<object, Map<string, number>>();

/**
 * Derives an ecdsa-sd-2023 credential like `vc.derive` with the library's
 * disclose cryptosuite — same revealed document, same proof — without its
 * JSON-LD processing: the base document's statements come from its shape's
 * compiled template, grouped as the library grouped them the first time
 * this template met these pointers (the library derives then, and its
 * result is returned). Every derived proof is checked before it is
 * returned: the revealed document, canonicalized as a verifier will,
 * relabelled through the new label map, must give back exactly the
 * statements whose signatures and mandatory positions the proof carries,
 * and the issuer's base signature must verify over the mandatory statements
 * as grouped here (so each signature passed on is its statement's).
 * `undefined` whenever this path does not apply or any check fails: the
 * caller derives with the library, which also reports the errors. The
 * input is not changed; the result shares the `type` values of the input,
 * as the library's does.
 *
 * Pointers are hostile input: the caller validates them (assertSafePointers)
 * first, as for the library.
 *
 * @see https://www.w3.org/TR/vc-di-ecdsa/#add-derived-proof-ecdsa-sd-2023
 */
export async function deriveSdFast(options: {
  credential: JsonObject;
  selectivePointers: string[];
  documentLoader: DocumentLoader;
}): Promise<JsonObject | undefined> {
  const { credential, selectivePointers, documentLoader } = options;
  const proof = credential.proof;
  if (!isPlainBaseProof(proof) || !isVc2(credential)) return undefined;
  const base = parseBaseProofValue(proof.proofValue);
  if (!base) return undefined;
  const { mandatoryPointers } = base;
  if (mandatoryPointers.length === 0 && selectivePointers.length === 0) return undefined;
  try {
    // vc.derive's own check, as it runs it (mode 'issue', its default clock).
    checkCredentialAsVc({ credential, mode: 'issue' });
  } catch {
    return undefined;
  }
  const { proof: _proof, ...document } = credential;
  const combinedPointers = [...mandatoryPointers, ...selectivePointers];
  if (!pointersWalkable(document, combinedPointers)) return undefined;
  const t = await templated(document, documentLoader);
  if (!t || !(await planApplies(document, t, documentLoader))) return undefined;

  const key = planKey('derive', mandatoryPointers, selectivePointers);
  const plan = storedPlan<DerivePlan>(t.template, key);
  if (plan === null) return undefined;
  if (plan === undefined) return learnFromLibrary(options, document, proof, base, t, key);
  try {
    const derived = await deriveWithPlan(document, proof, base, selectivePointers, t, plan);
    if (!derived) return undefined;
    const [shows, signed] = await Promise.all([
      showsWhatItSigns(derived.credential, derived.expected, documentLoader),
      issuerSignedMandatory(document, proof, base, derived.mandatory, documentLoader),
    ]);
    return shows && signed ? derived.credential : undefined;
  } catch {
    return undefined;
  }
}

function isPlainBaseProof(proof: unknown): proof is JsonObject {
  if (!proof || typeof proof !== 'object' || Array.isArray(proof)) return false;
  const p = proof as JsonObject;
  for (const key of Object.keys(p)) if (!BASE_PROOF_KEYS.has(key)) return false;
  return (
    p.type === 'DataIntegrityProof' &&
    p.cryptosuite === SD_SUITE &&
    p.proofPurpose === 'assertionMethod' &&
    typeof p.proofValue === 'string'
  );
}

interface Derived {
  credential: JsonObject;
  /** The statements the revealed document must canonicalize to, relabelled, in order. */
  expected: string[];
  /** The mandatory ones, in order: what the issuer's base signature hashed. */
  mandatory: string[];
}

/** disclose.js `_createDisclosureData` and `_derive`, with the grouping from `plan`. */
async function deriveWithPlan(
  document: JsonObject,
  proof: JsonObject,
  base: BaseProofValue,
  selectivePointers: string[],
  t: Templated,
  plan: DerivePlan,
): Promise<Derived | undefined> {
  const labelled = await labelledCanonical(t.template, t.compiled, t.shape.slots);
  const full = hmacStatements(labelled, base.hmacKey);
  const mandatory = statementsOfQuads(full.statementOf, plan.mandatory);
  const combined = statementsOfQuads(full.statementOf, plan.combined);
  if (base.signatures.length !== full.statements.length - mandatory.size) return undefined;

  // Steps 5 and 6: mandatory positions among the revealed statements, and the signatures of the others.
  const mandatoryIndexes: number[] = [];
  const signatures: Uint8Array[] = [];
  const expected: string[] = [];
  const mandatoryStatements: string[] = [];
  let nonMandatory = 0;
  for (let i = 0; i < full.statements.length; i++) {
    const isMandatory = mandatory.has(i);
    if (combined.has(i)) {
      if (isMandatory) {
        mandatoryIndexes.push(expected.length);
        mandatoryStatements.push(full.statements[i]!);
      } else signatures.push(base.signatures[nonMandatory]!);
      expected.push(full.statements[i]!);
    } else if (isMandatory) return undefined;
    if (!isMandatory) nonMandatory++;
  }

  // Step 7: the revealed document, selected from the document as it is.
  const revealed = selectJsonLd({
    document,
    pointers: [...base.mandatoryPointers, ...selectivePointers],
  }) as JsonObject | null;
  if (!revealed) return undefined;

  // Steps 8 and 9: the verifier's canonical labels of the revealed statements → their HMAC labels.
  const filled = fillTemplate(t.template, t.shape);
  const labelMap = await verifierLabelMap(filled, plan.combined, labelled.labels, full);

  const proofValue = serializeDerivedProofValue({
    baseSignature: base.baseSignature,
    publicKey: base.publicKey,
    signatures,
    labelMap,
    mandatoryIndexes,
  });
  revealed.proof = { ...proof, proofValue };
  return { credential: revealed, expected, mandatory: mandatoryStatements };
}

async function verifierLabelMap(
  filled: ReturnType<typeof fillTemplate>,
  combined: Uint8Array,
  fullLabels: Map<string, string>,
  full: HmacStatements,
): Promise<Map<string, string>> {
  const shown = filled.filter((_, i) => combined[i]);
  const verifierLabels = await labelsOfQuads(shown);
  const byVerifierLabel = [...verifierLabels].sort((a, b) => labelNumber(a[1]) - labelNumber(b[1]));
  const out = new Map<string, string>();
  for (const [blank, verifierLabel] of byVerifierLabel) {
    out.set(verifierLabel, full.hmacLabels.get(fullLabels.get(blank)!)!);
  }
  return out;
}

const labelNumber = (label: string) => Number(label.slice(4));

/**
 * The check every fast derivation passes: the revealed document,
 * canonicalized as the verifier will (through its own template),
 * relabelled through the proof's label map, is exactly the statements the
 * proof's signatures and mandatory positions were chosen for.
 */
async function showsWhatItSigns(
  credential: JsonObject,
  expected: string[],
  documentLoader: DocumentLoader,
): Promise<boolean> {
  const { proof, ...revealed } = credential;
  const derived = parseDerivedProofValue((proof as JsonObject).proofValue);
  const canonical = await canonicalThroughTemplate(revealed, documentLoader);
  if (!derived || !canonical) return false;
  const statements = relabelStatements(canonical, (label) => derived.labelMap.get(label));
  return statements.length === expected.length && statements.every((s, i) => s === expected[i]);
}

/**
 * The base signature verifies over this grouping's mandatory hash: the
 * issuer grouped this document's statements as the plan did, so each
 * signature passed on is the one for its statement.
 */
async function issuerSignedMandatory(
  document: JsonObject,
  proof: JsonObject,
  base: BaseProofValue,
  mandatory: string[],
  documentLoader: DocumentLoader,
): Promise<boolean> {
  const key = await verificationKeyOf(proof.verificationMethod, documentLoader);
  if (!key) return false;
  const { proofValue: _, ...options } = proof;
  const proofCanonical = await canonizeFast({ '@context': document['@context'], ...options }, documentLoader);
  const signed = Buffer.concat([sha256(proofCanonical), base.publicKey, sha256(mandatory.join(''))]);
  return verifyP256(key.key, signed, base.baseSignature);
}

/**
 * First meeting of this template and these pointers: the library derives,
 * and the grouping is read off its result — the revealed statements (its
 * revealed document canonicalized and relabelled through its label map)
 * and which of them it marked mandatory — traced back to template quads.
 * The plan is kept only if it then reproduces the library's credential
 * byte for byte. The library's credential is returned either way.
 */
async function learnFromLibrary(
  options: { credential: JsonObject; selectivePointers: string[]; documentLoader: DocumentLoader },
  document: JsonObject,
  proof: JsonObject,
  base: BaseProofValue,
  t: Templated,
  key: string,
): Promise<JsonObject | undefined> {
  const { documentLoader, selectivePointers } = options;
  let library: JsonObject;
  try {
    library = await vc.derive({
      verifiableCredential: structuredClone(options.credential),
      suite: createDerivingSuite({ selectivePointers }),
      documentLoader,
    });
  } catch {
    return undefined;
  }
  try {
    const outcome = await lesson(library, document, proof, base, selectivePointers, t, documentLoader);
    if (outcome === 'inconclusive') {
      let byKey = lessons.get(t.template);
      if (!byKey) {
        byKey = new Map();
        lessons.set(t.template, byKey);
      }
      const tries = (byKey.get(key) ?? 0) + 1;
      byKey.set(key, tries);
      if (tries >= MAX_LESSONS) storePlan(t.template, key, null);
    } else storePlan(t.template, key, outcome);
  } catch {
    storePlan(t.template, key, null);
  }
  return library;
}

async function lesson(
  library: JsonObject,
  document: JsonObject,
  proof: JsonObject,
  base: BaseProofValue,
  selectivePointers: string[],
  t: Templated,
  documentLoader: DocumentLoader,
): Promise<DerivePlan | null | 'inconclusive'> {
  const labelled = await labelledCanonical(t.template, t.compiled, t.shape.slots);
  // Statements must trace back to one template quad each, through labels no tie could have swapped.
  if (labelled.tied || labelled.repeated) return 'inconclusive';
  const full = hmacStatements(labelled, base.hmacKey);
  const { proof: libraryProof, ...revealed } = library;
  const derived = parseDerivedProofValue((libraryProof as JsonObject | undefined)?.proofValue);
  if (!derived) return null;
  const canonical = await canonicalThroughLibrary(revealed, documentLoader);
  const shown = relabelStatements(canonical, (label) => derived.labelMap.get(label));
  const index = new Map(full.statements.map((s, i) => [s, i]));
  const combined = new Set<number>();
  for (const statement of shown) {
    const i = index.get(statement);
    if (i === undefined || combined.has(i)) return null;
    combined.add(i);
  }
  const mandatory = new Set<number>();
  for (const relative of derived.mandatoryIndexes) {
    const statement = shown[relative];
    if (statement === undefined) return null;
    mandatory.add(index.get(statement)!);
  }
  const plan: DerivePlan = {
    mandatory: quadSetOf(full.statementOf, mandatory),
    combined: quadSetOf(full.statementOf, combined),
  };
  const ours = await deriveWithPlan(document, proof, base, selectivePointers, t, plan);
  return ours && JSON.stringify(ours.credential) === JSON.stringify(library) ? plan : null;
}
