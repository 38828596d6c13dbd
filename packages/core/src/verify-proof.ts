import * as vc from '@digitalbazaar/vc';
import jsigs from 'jsonld-signatures';
import type { DocumentLoader } from './document-loader.js';
import { ProofVerificationError, VneidError } from './errors.js';
import { fastAnswer, isFastRdfcSuite } from './fast/door.js';
import { toVneidError } from './lib/find-error.js';
import { guardInput } from './lib/input-guards.js';
import { SD_BASE_PREFIX, SD_DERIVED_PREFIX } from './lib/sd-proof-headers.js';
import { proofShapeProblem } from './proof-shape.js';
import type { JsonLimits } from './safe-json.js';
import type { JsonObject } from './sign-credential.js';
import { createVerifyingSuites } from './suites.js';

/** Outcome of a proof check: never thrown, always reported. */
export interface ProofCheckResult {
  verified: boolean;
  /** The verification method the single proof names (when there is one); the first one of a proof set. */
  verificationMethod?: string;
  /** With `proofSets: 'every'`: the verification method of each proof, in order. */
  verificationMethods?: string[];
  error?: VneidError;
}

/**
 * Which kind of ecdsa-sd-2023 proof a proofValue is, from its CBOR header
 * (`0xd95d00` base, `0xd95d01` derived): holders keep base proofs, verifiers
 * accept only derived ones.
 */
export function sdProofKind(proofValue: unknown): 'base' | 'derived' | undefined {
  if (typeof proofValue !== 'string') return undefined;
  if (proofValue.startsWith(SD_BASE_PREFIX)) return 'base';
  if (proofValue.startsWith(SD_DERIVED_PREFIX)) return 'derived';
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
  if (options.proofSets === 'every' && Array.isArray(options.credential?.proof)) return verifyEveryProof(options);
  const guarded = guardProofInput('verifyCredentialProof', options);
  return guarded ?? verifyAfterGuards(options);
}

// The input guards, once per operation: a failure is the result.
function guardProofInput(operation: string, options: VerifyCredentialProofOptions): ProofCheckResult | undefined {
  const { credential } = options;
  const proofs = Array.isArray(credential?.proof) ? credential.proof : [credential?.proof];
  const sd = proofs.some((p) => p && typeof p === 'object' && (p as JsonObject).cryptosuite === 'ecdsa-sd-2023');
  try {
    guardInput(operation, credential, { limits: options.limits, sd });
  } catch (error) {
    return { verified: false, error: error as VneidError };
  }
  return undefined;
}

// One proof, after the guards: its shape, then the fast path's yes, else the library's verdict.
async function verifyAfterGuards(options: VerifyCredentialProofOptions): Promise<ProofCheckResult> {
  const found = typedProof(options.credential);
  if (!found.ok) return { verified: false, error: found.error };
  const problem = strictProblem(options);
  if (problem) return problem;
  const { credential, documentLoader, bindIssuer = true } = options;
  const { proof } = found;
  const sd = proof.cryptosuite === 'ecdsa-sd-2023' && sdProofKind(proof.proofValue) === 'derived';
  const operation = sd ? 'verifySdDerived' : isFastRdfcSuite(proof.cryptosuite) ? 'verifyRdfc' : undefined;
  if (operation) {
    const fast = { credential, documentLoader, bindIssuer, now: insideWindowOf(credential) };
    if (await fastAnswer(operation, fast, options.fastPath)) {
      return { verified: true, verificationMethod: proof.verificationMethod as string };
    }
  }
  return verifyThroughLibrary(options, proof);
}

// Most proofs a set may carry: each costs a full verification.
const MAX_PROOFS = 8;

/**
 * A proof set (VC Data Integrity §4.3): every proof was made over the document
 * without any proof, so each is verified on its own against `{...document,
 * proof}`, and the set is valid only when every one verifies — not when any
 * does, as jsonld-signatures decides. Proof chains (`previousProof`) sign the
 * proofs before them, which the library cannot verify: refused.
 */
async function verifyEveryProof(options: VerifyCredentialProofOptions): Promise<ProofCheckResult> {
  const { credential } = options;
  const guarded = guardProofInput('verifyCredentialProof', options);
  if (guarded) return guarded;
  const proofs = credential.proof as unknown[];
  if (proofs.length === 0 || proofs.length > MAX_PROOFS) {
    return { verified: false, error: new ProofVerificationError(`a proof set holds 1 to ${MAX_PROOFS} proofs`) };
  }
  const verificationMethods: string[] = [];
  for (const [i, proof] of proofs.entries()) {
    if (!proof || typeof proof !== 'object' || Array.isArray(proof)) {
      return { verified: false, error: new ProofVerificationError(`proof[${i}] is not an object`) };
    }
    if ('previousProof' in proof) {
      return { verified: false, error: new ProofVerificationError('proof chains (previousProof) are not supported') };
    }
    const vm = (proof as JsonObject).verificationMethod;
    if (typeof vm === 'string') verificationMethods.push(vm);
  }
  for (const [i, proof] of proofs.entries()) {
    const one = await verifyAfterGuards({ ...options, credential: { ...credential, proof: proof as JsonObject } });
    if (!one.verified) {
      const cause = one.error ?? new ProofVerificationError('proof does not verify');
      return {
        verified: false,
        verificationMethods,
        // The proof's own code (a safe-mode error stays one), with the proof named.
        error: new VneidError(cause.code, `proof[${i}] of the set: ${cause.message}`, { cause }),
      };
    }
  }
  return { verified: true, verificationMethod: verificationMethods[0], verificationMethods };
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
  /**
   * `refuse` (default, the citizen-document profile): exactly one proof object.
   * `every`: a proof set is valid when every proof in it verifies (each also
   * bound to the issuer when `bindIssuer`), as VC Data Integrity requires.
   */
  proofSets?: 'refuse' | 'every';
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
  const guarded = guardProofInput('verifyCredentialProof', options);
  if (guarded) return guarded;
  const found = typedProof(options.credential);
  if (!found.ok) return { verified: false, error: found.error };
  return strictProblem(options) ?? verifyThroughLibrary(options, found.proof);
}

// The library path after the guards and the proof's shape.
async function verifyThroughLibrary(
  options: VerifyCredentialProofOptions,
  proof: JsonObject,
): Promise<ProofCheckResult> {
  const { credential, documentLoader, bindIssuer = true } = options;
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
  /** As for {@link verifyCredentialProof}: the proof only in its suite's one form (default true). */
  strictProof?: boolean;
  /** Try the fast path (default: unless the environment sets `VNEID_FAST_PATH=0`); `false` forces the library path. */
  fastPath?: boolean;
}): Promise<ProofCheckResult> {
  const { presentation, challenge, domain, documentLoader } = options;
  if (typeof challenge !== 'string' || challenge.length === 0) throw new TypeError('challenge is required');
  if (typeof domain !== 'string' || domain.length === 0) throw new TypeError('domain is required');
  try {
    guardInput('verifyPresentationProof', presentation);
  } catch (error) {
    return { verified: false, error: error as VneidError };
  }
  const found = typedProof(presentation);
  if (!found.ok) return { verified: false, error: found.error };
  const problem = strictProblem({ credential: presentation, documentLoader, strictProof: options.strictProof });
  if (problem) return problem;
  const { proof } = found;
  const verificationMethod = typeof proof.verificationMethod === 'string' ? proof.verificationMethod : undefined;
  if (isFastRdfcSuite(proof.cryptosuite)) {
    // Only ever a yes: every other answer comes from the library below.
    const fast = {
      credential: presentation,
      documentLoader,
      bindIssuer: false,
      now: undefined,
      purpose: { term: 'authentication' as const, challenge, domain },
    };
    if (await fastAnswer('verifyRdfc', fast, options.fastPath)) return { verified: true, verificationMethod };
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
