/** One key of a trusted issuer, with the window in which its signatures are accepted. */
export interface TrustBundleVerificationMethod {
  /** `<issuer DID>#<fragment>`, or `did:key:<multibase>#<multibase>` for issuers identified by URL. */
  id: string;
  type: 'Multikey';
  publicKeyMultibase: string;
  /** Signatures created before this instant are refused. */
  validFrom: string;
  /** Signatures created at or after this instant are refused (key retired). */
  validUntil?: string;
  /** The key leaked: signatures created at or after this instant are refused as compromised. */
  compromisedSince?: string;
}

/**
 * One `issuers` entry of a VneidTrustBundle: what issuers publish
 * (`@vneid/issuer` trustBundleIssuers) and verifiers trust (`@vneid/verifier`).
 * Defined once here because both sides must agree on it to the letter.
 */
export interface TrustBundleIssuer {
  id: string;
  name: { vi: string; en: string };
  /** The credential types this issuer is authorised to issue. */
  credentialTypes: string[];
  verificationMethods: TrustBundleVerificationMethod[];
  /**
   * URLs of the issuer's status list credentials, enumerated one by one (the
   * form of small issuers; verifiers cap its length).
   */
  statusLists?: string[];
  /**
   * An https URL ending in `/`: every status list whose URL is this prefix
   * plus one path segment belongs to the issuer (when it is signed by one of
   * the issuer's keys), and the prefix itself serves the index of those
   * lists. This is how one ministry names thousands of lists.
   */
  statusListPrefix?: string;
}
