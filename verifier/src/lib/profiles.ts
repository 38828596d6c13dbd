/**
 * `citizen-document` (default): the stricter policy our own documents are
 * issued under. `general`: what the W3C specifications require of any
 * verifier, for credentials from issuers that follow them but not our rules.
 */
export type VerificationProfile = 'citizen-document' | 'general';

/**
 * What a profile refuses: one named rule per difference, so the README
 * ("Verification profiles") and the code say the same thing. Rules that are
 * the same in both profiles (pinned contexts, every proof verifying, dates,
 * trust, status) are not listed here.
 */
export interface ProfileRules {
  name: VerificationProfile;
  /**
   * Accept a proof only in the one form its suite defines: no member the suite
   * does not define, the suite's own proofValue encoding, low-S ecdsa. The
   * specifications accept other encodings and both S values; the same signature
   * in two forms must not be two documents to us (TRAPS: ECDSA malleability).
   */
  canonicalProof: boolean;
  /** `one`: exactly one proof object. `every`: a proof set verifies when every proof does (VC Data Integrity §4.3). */
  proofs: 'one' | 'every';
  /** Inline `@context` objects that only add terms (none of a pinned context's, no `@vocab`, no scoped contexts). */
  inlineContexts: boolean;
  /** A presentation is signed by its `holder`, and every credential in it is about that holder. */
  holderBinding: boolean;
  /** A credential of our types names its subject (`credentialSubject.id`, the holder's DID). */
  subjectId: boolean;
  /** A credential of a type with an expiry field (`dateOfExpiry`, `coverageTo`) carries `validUntil`. */
  expiryForExpiringTypes: boolean;
  /** A birth date is checked against the clock and the credential's `validFrom`, whatever else is disclosed. */
  birthDateBeforeNow: boolean;
}

const PROFILES: Readonly<Record<VerificationProfile, Readonly<ProfileRules>>> = {
  'citizen-document': Object.freeze({
    name: 'citizen-document',
    canonicalProof: true,
    proofs: 'one',
    inlineContexts: false,
    holderBinding: true,
    subjectId: true,
    expiryForExpiringTypes: true,
    birthDateBeforeNow: true,
  }),
  general: Object.freeze({
    name: 'general',
    canonicalProof: false,
    proofs: 'every',
    inlineContexts: true,
    holderBinding: false,
    subjectId: false,
    expiryForExpiringTypes: false,
    birthDateBeforeNow: false,
  }),
};

/** The rules of a named profile; an unknown name is caller misuse. */
export function profileRules(name: VerificationProfile | undefined): Readonly<ProfileRules> {
  const key = name ?? 'citizen-document';
  if (typeof key !== 'string' || !Object.hasOwn(PROFILES, key)) {
    throw new TypeError(`unknown profile ${String(name)}: citizen-document or general`);
  }
  return PROFILES[key];
}
