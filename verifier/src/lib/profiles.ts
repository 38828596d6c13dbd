/**
 * `citizen-document` (default): the stricter policy our own documents are
 * issued under. `general`: what the W3C specifications require of any
 * verifier, for credentials from issuers that follow them but not our rules.
 */
export type VerificationProfile = 'citizen-document' | 'general';

/** What a profile refuses; one named rule per difference, so the README and the code say the same thing. */
export interface ProfileRules {
  name: VerificationProfile;
  /**
   * Accept a proof only in the one form its suite defines: no member the suite
   * does not define, the suite's own proofValue encoding, low-S ecdsa. The
   * specifications accept other encodings and both S values; the same signature
   * in two forms must not be two documents to us (TRAPS: ECDSA malleability).
   */
  canonicalProof: boolean;
}

const PROFILES: Readonly<Record<VerificationProfile, Readonly<ProfileRules>>> = {
  'citizen-document': Object.freeze({ name: 'citizen-document', canonicalProof: true }),
  general: Object.freeze({ name: 'general', canonicalProof: false }),
};

/** The rules of a named profile; an unknown name is caller misuse. */
export function profileRules(name: VerificationProfile | undefined): Readonly<ProfileRules> {
  const key = name ?? 'citizen-document';
  if (typeof key !== 'string' || !Object.hasOwn(PROFILES, key)) {
    throw new TypeError(`unknown profile ${String(name)}: citizen-document or general`);
  }
  return PROFILES[key];
}
