import * as vc from '@digitalbazaar/vc';
import jsigs from 'jsonld-signatures';
import type { DocumentLoader } from './document-loader.js';
import { ProofVerificationError, type VneidError } from './errors.js';
import { RDFC_SUITES, verifyRdfcFast } from './fast/rdfc-proof.js';
import { verifyDerivedSdFast } from './fast/sd/verify-derived.js';
import { fastPathEnabled } from './fast/switch.js';
import { toVneidError } from './lib/find-error.js';
import { proofShapeProblem } from './proof-shape.js';
import { assertSafeJson, type JsonLimits } from './safe-json.js';
import { assertSdSafeValues } from './sd-value-guard.js';
import type { JsonObject } from './sign-credential.js';
import { createVerifyingSuites } from './suites.js';

/** Outcome of a proof check: never thrown, always reported. */
export interface ProofCheckResult {
  verified: boolean;
  /** The verification method the single proof names (when there is one). */
  verificationMethod?: string;
  error?: VneidError;
}

/**
 * Which kind of ecdsa-sd-2023 proof a proofValue is, from its CBOR header
 * (`0xd95d00` base, `0xd95d01` derived): holders keep base proofs, verifiers
 * accept only derived ones.
 */
export function sdProofKind(proofValue: unknown): 'base' | 'derived' | undefined {
  if (typeof proofValue !== 'string') return undefined;
  if (proofValue.startsWith('u2V0A')) return 'base';
  if (proofValue.startsWith('u2V0B')) return 'derived';
  return undefined;
}

/**
 * The one proof of a document. Proof sets are refused: jsonld-signatures
 * accepts a set when *any* proof verifies, so a forged extra proof would ride
 * along. Our issuers and holders produce exactly one.
 */
export function singleProof(document: JsonObject): SingleProof {
  const proof = document.proof;
  if (!proof || typeof proof !== 'object' || Array.isArray(proof)) {
    return { ok: false, error: new ProofVerificationError('document must carry exactly one proof object') };
  }
  return { ok: true, proof: proof as JsonObject };
}

/**
 * What {@link singleProof} finds: the proof object (whatever it holds: a
 * value from the document never becomes an error), or our own error.
 */
export type SingleProof = { ok: true; proof: JsonObject } | { ok: false; error: VneidError };

// A proof object that names no type is refused with our code, whatever else it carries.
function typedProof(document: JsonObject): { ok: true; proof: JsonObject } | { ok: false; error: VneidError } {
  const found = singleProof(document);
  if (found.ok && typeof found.proof.type !== 'string') {
    return { ok: false, error: new ProofVerificationError('the proof must name its type') };
  }
  return found;
}

/**
 * Checks the integrity of a credential's proof only: the signature over the
 * canonical form, with the key its verification method resolves to offline.
 * Dates and status are separate checks (with an explicit clock and skew
 * policy), so the time handed to the library is one inside the credential's
 * own validity window — an expired credential still has an intact proof.
 *
 * @example
 * const { verified, error } = await verifyCredentialProof({ credential, documentLoader });
 */
export async function verifyCredentialProof(options: VerifyCredentialProofOptions): Promise<ProofCheckResult> {
  const { credential, documentLoader, bindIssuer = true } = options;
  const proof = credential?.proof as JsonObject | undefined;
  const suite = proof && typeof proof === 'object' && !Array.isArray(proof) ? proof.cryptosuite : undefined;
  const sd = suite === 'ecdsa-sd-2023' && sdProofKind(proof?.proofValue) === 'derived';
  if ((sd || RDFC_SUITES[suite as string]) && fastPathEnabled(options.fastPath)) {
    try {
      assertSafeJson(credential, options.limits);
      if (sd) assertSdSafeValues(credential);
    } catch (error) {
      return { verified: false, error: error as VneidError };
    }
    // In the library path's order (input guards, then the proof form), so both paths refuse with one code.
    const problem = strictProblem(options);
    if (problem) return problem;
    // Only ever a yes: every other answer comes from the library below.
    const fast = { credential, documentLoader, bindIssuer, now: insideWindowOf(credential) };
    const accepted = sd ? await verifyDerivedSdFast(fast) : await verifyRdfcFast(fast);
    if (accepted) return { verified: true, verificationMethod: proof?.verificationMethod as string };
  }
  return verifyCredentialProofWithLibrary(options);
}

// The citizen-document profile's canonical proof form (see proof-shape.ts), unless the caller opts out.
function strictProblem(options: VerifyCredentialProofOptions): ProofCheckResult | undefined {
  if (options.strictProof === false) return undefined;
  const proof = options.credential?.proof;
  if (!proof || typeof proof !== 'object' || Array.isArray(proof)) return undefined;
  const problem = proofShapeProblem(proof as JsonObject);
  if (!problem) return undefined;
  const verificationMethod = (proof as JsonObject).verificationMethod;
  return {
    verified: false,
    ...(typeof verificationMethod === 'string' ? { verificationMethod } : {}),
    error: new ProofVerificationError(problem),
  };
}

// The time handed to the library's date checks: inside the credential's own window (see above).
function insideWindowOf(credential: JsonObject): string | undefined {
  const proof = credential.proof as JsonObject | undefined;
  const inside = typeof credential.validFrom === 'string' ? credential.validFrom : proof?.created;
  return typeof inside === 'string' ? inside : undefined;
}

/** What {@link verifyCredentialProof} takes. */
export interface VerifyCredentialProofOptions {
  credential: JsonObject;
  documentLoader: DocumentLoader;
  /**
   * Require the proof's key to be controlled by the credential's `issuer`
   * (default true). `false` checks integrity only, for documents whose
   * issuer is bound to its keys some other way (a trust bundle listing them).
   */
  bindIssuer?: boolean;
  /** Input limits; raise `maxStringLength` for status list credentials, whose `encodedList` is long. */
  limits?: Partial<JsonLimits>;
  /**
   * Accept a proof only in the one form its suite defines (default true, the
   * citizen-document profile): no member the suite does not define (an extra
   * `@context` included), the suite's own proofValue encoding, low-S ecdsa.
   * `false` accepts what the library accepts, for general callers.
   */
  strictProof?: boolean;
  /** Try the fast path (default: unless the environment sets `VNEID_FAST_PATH=0`); `false` forces the library path. */
  fastPath?: boolean;
}

/**
 * The reference path: `vc.verifyCredential` (or jsonld-signatures for
 * integrity only) with the Data Integrity suites, every call.
 */
export async function verifyCredentialProofWithLibrary(
  options: VerifyCredentialProofOptions,
): Promise<ProofCheckResult> {
  const { credential, documentLoader, bindIssuer = true } = options;
  try {
    assertSafeJson(credential, options.limits);
    const proof = credential.proof as JsonObject | undefined;
    if (proof && typeof proof === 'object' && proof.cryptosuite === 'ecdsa-sd-2023') assertSdSafeValues(credential);
  } catch (error) {
    return { verified: false, error: error as VneidError };
  }
  const found = typedProof(credential);
  if (!found.ok) return { verified: false, error: found.error };
  const problem = strictProblem(options);
  if (problem) return problem;
  const { proof } = found;
  const verificationMethod = typeof proof.verificationMethod === 'string' ? proof.verificationMethod : undefined;
  const insideWindow = insideWindowOf(credential);
  if (!bindIssuer) return verifyIntegrity(credential, documentLoader, verificationMethod);
  try {
    const result = await vc.verifyCredential({
      credential,
      suite: createVerifyingSuites(),
      documentLoader,
      now: insideWindow,
      // vc's comparison is strict at zero skew; one second makes `now === validFrom` inside.
      maxClockSkew: 1,
      // Status is read by the verifier from its own cache; vc would otherwise
      // trust a checker that reports `verified: true` for a revoked credential.
      checkStatus: async () => ({ verified: true }),
    });
    if (result.verified === true) return { verified: true, verificationMethod };
    const cause = result.error ?? result.results?.[0]?.error;
    return {
      verified: false,
      verificationMethod,
      error: toVneidError(cause, 'PROOF_VERIFICATION_ERROR', 'proof does not verify'),
    };
  } catch (error) {
    return {
      verified: false,
      verificationMethod,
      error: toVneidError(error, 'PROOF_VERIFICATION_ERROR', 'proof does not verify'),
    };
  }
}

async function verifyIntegrity(
  document: JsonObject,
  documentLoader: DocumentLoader,
  verificationMethod: string | undefined,
): Promise<ProofCheckResult> {
  try {
    const result = await jsigs.verify(document, {
      suite: createVerifyingSuites(),
      purpose: new jsigs.purposes.AssertionProofPurpose(),
      documentLoader,
    });
    if (result.verified === true) return { verified: true, verificationMethod };
    return {
      verified: false,
      verificationMethod,
      error: toVneidError(result.error, 'PROOF_VERIFICATION_ERROR', 'proof does not verify'),
    };
  } catch (error) {
    return {
      verified: false,
      verificationMethod,
      error: toVneidError(error, 'PROOF_VERIFICATION_ERROR', 'proof does not verify'),
    };
  }
}

/**
 * Checks a presentation's own proof (the holder's authentication proof) and
 * that it is bound to `challenge` and `domain`. The credentials inside are
 * not verified here: the caller verifies each one with its own policy.
 * Both challenge and domain are required: jsonld-signatures skips the domain
 * comparison when none is given.
 */
export async function verifyPresentationProof(options: {
  presentation: JsonObject;
  challenge: string;
  domain: string;
  documentLoader: DocumentLoader;
  /** Try the fast path (default: unless the environment sets `VNEID_FAST_PATH=0`); `false` forces the library path. */
  fastPath?: boolean;
}): Promise<ProofCheckResult> {
  const { presentation, challenge, domain, documentLoader } = options;
  if (typeof challenge !== 'string' || challenge.length === 0) throw new TypeError('challenge is required');
  if (typeof domain !== 'string' || domain.length === 0) throw new TypeError('domain is required');
  try {
    assertSafeJson(presentation);
  } catch (error) {
    return { verified: false, error: error as VneidError };
  }
  const found = typedProof(presentation);
  if (!found.ok) return { verified: false, error: found.error };
  const { proof } = found;
  const verificationMethod = typeof proof.verificationMethod === 'string' ? proof.verificationMethod : undefined;
  if (RDFC_SUITES[proof.cryptosuite as string] && fastPathEnabled(options.fastPath)) {
    // Only ever a yes: every other answer comes from the library below.
    const accepted = await verifyRdfcFast({
      credential: presentation,
      documentLoader,
      bindIssuer: false,
      now: undefined,
      purpose: { term: 'authentication', challenge, domain },
    });
    if (accepted) return { verified: true, verificationMethod };
  }
  try {
    const result = await jsigs.verify(presentation, {
      suite: createVerifyingSuites(),
      purpose: new jsigs.purposes.AuthenticationProofPurpose({ challenge, domain }),
      documentLoader,
    });
    if (result.verified === true) return { verified: true, verificationMethod };
    return {
      verified: false,
      verificationMethod,
      error: toVneidError(result.error, 'PROOF_VERIFICATION_ERROR', 'presentation proof does not verify'),
    };
  } catch (error) {
    return {
      verified: false,
      verificationMethod,
      error: toVneidError(error, 'PROOF_VERIFICATION_ERROR', 'presentation proof does not verify'),
    };
  }
}
