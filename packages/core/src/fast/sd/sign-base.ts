import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import * as vc from '@digitalbazaar/vc';
import type { DocumentLoader } from '../../document-loader.js';
import type { KeyPair } from '../../keys.js';
import { createSigningSuite } from '../../suites.js';
import { canonizeFast } from '../canonize-fast.js';
import { checkCredentialAsVc } from '../library-internals.js';
import { nodePrivateKey, nodePublicKey } from '../node-keys.js';
import { ephemeralPublicKey, sha256, signP256, verifyP256 } from '../p256.js';
import { type Templated, templated } from './canonical.js';
import { labelledCanonical } from './labelled-canonical.js';
import { planApplies, pointersWalkable } from './plan-guards.js';
import { planKey, quadSetOf, type SignPlan, storedPlan, storePlan } from './plans.js';
import { isVc2, type JsonObject, SD_SUITE } from './proof-checks.js';
import { parseBaseProofValue, serializeBaseProofValue } from './proof-value.js';
import { hmacStatements, statementsOfQuads } from './statements.js';

const P256_MULTIKEY_HEADER = Buffer.from([0x80, 0x24]);
const MAX_LESSONS = 8;
const LESSONS_TO_AGREE = 2;
const lessons = new WeakMap<object, Map<string, { tries: number; agreeing: number; plan?: SignPlan }>>();

function sameQuads(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Signs an ecdsa-sd-2023 base proof like `vc.issue` with the library's
 * sign cryptosuite — same checks, same proof object, a proof value the
 * library derives from — without its JSON-LD processing: the statements come
 * from the document's compiled template, HMAC-relabelled with a fresh key,
 * and are split into mandatory and not as the library split them the first
 * time this template met these mandatory pointers (the library signs then,
 * and its credential is returned). One fresh P-256 key per credential signs
 * each non-mandatory statement; the issuer's key signs proofHash ‖ that
 * key ‖ mandatoryHash. Signatures are low-S.
 * `undefined` when this path does not apply: the caller signs with the library.
 *
 * @see https://www.w3.org/TR/vc-di-ecdsa/#add-base-proof-ecdsa-sd-2023
 */
export async function signSdBaseFast(options: {
  credential: JsonObject;
  key: KeyPair;
  documentLoader: DocumentLoader;
  mandatoryPointers?: string[];
  now?: Date;
}): Promise<JsonObject | undefined> {
  const { credential, key, documentLoader, mandatoryPointers = [] } = options;
  if (key.keyType !== 'P-256' || 'proof' in credential || !isVc2(credential)) return undefined;
  const issuerKey = nodePrivateKey(key);
  if (!issuerKey || !pointersWalkable(credential, mandatoryPointers)) return undefined;
  // vc.issue's own check; it throws for the caller as the library would.
  checkCredentialAsVc({ credential, now: options.now, mode: 'issue', maxClockSkew: 300 });
  const t = await templated(credential, documentLoader);
  if (!t || !(await planApplies(credential, t, documentLoader))) return undefined;

  const planName = planKey('sign', mandatoryPointers);
  const plan = storedPlan<SignPlan>(t.template, planName);
  if (plan === null) return undefined;
  if (plan === undefined) return learnFromLibrary(options, mandatoryPointers, t, planName);

  const proof: JsonObject = {
    type: 'DataIntegrityProof',
    created: w3cDate(options.now ?? new Date()),
    verificationMethod: key.id,
    cryptosuite: SD_SUITE,
    proofPurpose: 'assertionMethod',
  };
  const hmacKey = randomBytes(32);
  const [proofCanonical, labelled] = await Promise.all([
    proofOptionsCanonical({ '@context': credential['@context'], ...proof }, documentLoader),
    labelledCanonical(t.template, t.compiled, t.shape.slots),
  ]);
  const { statements, statementOf } = hmacStatements(labelled, hmacKey);
  const mandatoryStatements = statementsOfQuads(statementOf, plan.mandatory);
  const mandatory: string[] = [];
  const nonMandatory: string[] = [];
  for (let i = 0; i < statements.length; i++) {
    (mandatoryStatements.has(i) ? mandatory : nonMandatory).push(statements[i]!);
  }

  const ephemeral = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKey = compressedMultikey(ephemeral.publicKey);
  const signatures = nonMandatory.map((statement) => signP256(ephemeral.privateKey, Buffer.from(statement, 'utf8')));
  const toSign = Buffer.concat([sha256(proofCanonical), publicKey, sha256(mandatory.join(''))]);
  const baseSignature = signP256(issuerKey, toSign);
  const proofValue = serializeBaseProofValue({ baseSignature, publicKey, hmacKey, signatures, mandatoryPointers });
  return { ...structuredClone(credential), proof: { ...proof, proofValue } };
}

/** A P-256 public key as a 35-byte Multikey: header 0x8024, compressed point. */
function compressedMultikey(publicKey: KeyObject): Uint8Array {
  const { x, y } = publicKey.export({ format: 'jwk' });
  const yBytes = Buffer.from(y!, 'base64url');
  const parity = (yBytes[yBytes.length - 1]! & 1) === 1 ? 0x03 : 0x02;
  return Buffer.concat([P256_MULTIKEY_HEADER, Buffer.from([parity]), Buffer.from(x!, 'base64url')]);
}

const proofCanonicals = new WeakMap<DocumentLoader, Map<string, string>>();

/**
 * The canonical proof options, kept per loader for the last few option
 * sets: an issuer signs many credentials with one key, one context and one
 * `created` second, and equal JSON canonicalizes to equal bytes.
 */
async function proofOptionsCanonical(options: JsonObject, documentLoader: DocumentLoader): Promise<string> {
  let cache = proofCanonicals.get(documentLoader);
  if (!cache) {
    cache = new Map();
    proofCanonicals.set(documentLoader, cache);
  }
  const key = JSON.stringify(options);
  let canonical = cache.get(key);
  if (canonical === undefined) {
    canonical = await canonizeFast(options, documentLoader);
    cache.set(key, canonical);
    if (cache.size > 16) cache.delete(cache.keys().next().value!);
  }
  return canonical;
}

// data-integrity's w3cDate: ISO 8601 without milliseconds.
function w3cDate(date: Date): string {
  return `${date.toISOString().slice(0, -5)}Z`;
}

/**
 * Until this template and these mandatory pointers have a plan, the library
 * signs, and its split is read off the proof — walking the statements in
 * order, each non-mandatory one is the next that verifies under the next
 * ephemeral signature — then confirmed by the issuer's base signature over
 * the mandatory hash. Two documents must agree before the split becomes the
 * plan. The library's credential is returned either way.
 */
async function learnFromLibrary(
  options: { credential: JsonObject; key: KeyPair; documentLoader: DocumentLoader; now?: Date },
  mandatoryPointers: string[],
  t: Templated,
  planName: string,
): Promise<JsonObject> {
  const { credential, key, documentLoader } = options;
  const library = (await vc.issue({
    credential: structuredClone(credential),
    suite: createSigningSuite({
      cryptosuite: SD_SUITE,
      key,
      date: options.now ?? new Date(),
      mandatoryPointers,
    }),
    documentLoader,
    now: options.now,
  })) as JsonObject;
  let outcome: SignPlan | null | 'inconclusive';
  try {
    outcome = await lesson(library, credential, key, mandatoryPointers, t, documentLoader);
  } catch {
    outcome = null;
  }
  let progress = lessons.get(t.template);
  if (!progress) {
    progress = new Map();
    lessons.set(t.template, progress);
  }
  const so = progress.get(planName) ?? { tries: 0, agreeing: 0 };
  progress.set(planName, so);
  so.tries++;
  if (outcome === null) storePlan(t.template, planName, null);
  else if (outcome !== 'inconclusive') {
    // Two documents must teach the same split: one crafted request cannot set the plan for a template alone.
    if (so.plan && !sameQuads(so.plan.mandatory, outcome.mandatory)) storePlan(t.template, planName, null);
    else {
      so.plan = outcome;
      if (++so.agreeing >= LESSONS_TO_AGREE) storePlan(t.template, planName, outcome);
    }
  }
  if (so.tries >= MAX_LESSONS && storedPlan(t.template, planName) === undefined) storePlan(t.template, planName, null);
  return library;
}

async function lesson(
  library: JsonObject,
  credential: JsonObject,
  key: KeyPair,
  mandatoryPointers: string[],
  t: Templated,
  documentLoader: DocumentLoader,
): Promise<SignPlan | null | 'inconclusive'> {
  const labelled = await labelledCanonical(t.template, t.compiled, t.shape.slots);
  if (labelled.tied || labelled.repeated) return 'inconclusive';
  const { proofValue, ...proof } = library.proof as JsonObject;
  const base = parseBaseProofValue(proofValue);
  const ephemeral = base && ephemeralPublicKey(base.publicKey);
  const issuerKey = nodePublicKey(key.publicKeyMultibase);
  if (!base || !ephemeral || !issuerKey) return null;
  if (JSON.stringify(base.mandatoryPointers) !== JSON.stringify(mandatoryPointers)) return null;
  const { statements, statementOf } = hmacStatements(labelled, base.hmacKey);
  const mandatory = new Set<number>();
  const mandatoryText: string[] = [];
  let next = 0;
  for (let i = 0; i < statements.length; i++) {
    const signature = base.signatures[next];
    if (signature && verifyP256(ephemeral, Buffer.from(statements[i]!, 'utf8'), signature)) next++;
    else {
      mandatory.add(i);
      mandatoryText.push(statements[i]!);
    }
  }
  if (next !== base.signatures.length) return null;
  const proofCanonical = await canonizeFast({ '@context': credential['@context'], ...proof }, documentLoader);
  const signed = Buffer.concat([sha256(proofCanonical), base.publicKey, sha256(mandatoryText.join(''))]);
  if (!verifyP256(issuerKey.key, signed, base.baseSignature)) return null;
  return { mandatory: quadSetOf(statementOf, mandatory) };
}
