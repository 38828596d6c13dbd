import type {
  ErrorCode,
  RelyingPartyRegistration,
  TrustBundleIssuer,
  TrustBundleVerificationMethod,
} from '@vneid/core';

/** A text shown to people, in English and Vietnamese. */
export interface BilingualText {
  en: string;
  vi: string;
}

/** One key of a trusted issuer (the shape is shared with the issuer through core). */
export type BundleVerificationMethod = TrustBundleVerificationMethod;

/** An issuer the verifier trusts, and for which document types. */
export type BundleIssuer = TrustBundleIssuer;

/** The eddsa-jcs-2022 Data Integrity proof of a trust bundle. */
export interface TrustBundleProof {
  type: 'DataIntegrityProof';
  cryptosuite: 'eddsa-jcs-2022';
  verificationMethod: string;
  created: string;
  proofPurpose: 'assertionMethod';
  proofValue: string;
}

/** Everything a verifier trusts, signed by the trust anchor and dated. */
export interface TrustBundle {
  type: 'VneidTrustBundle';
  version: number;
  issuedAt: string;
  validUntil: string;
  /** Context URL → `sha256-<base64>` of its canonical JSON (core `jsonDigest`). */
  contexts: Record<string, string>;
  issuers: BundleIssuer[];
  /** Relying parties and the fields each may ask for (absent in bundles without any). */
  relyingParties?: RelyingPartyRegistration[];
  proof?: TrustBundleProof;
}

/** A trust bundle whose signature has been checked by `loadTrustBundle`. */
export interface LoadedTrustBundle {
  status: 'valid' | 'stale';
  /** Deep-frozen copy of the bundle. */
  bundle: Readonly<TrustBundle>;
  /** `BUNDLE_STALE` when `status` is `stale`. */
  code?: ErrorCode;
}

/** The checks reported for each credential, in the order they run (one home: CHECK_NAMES is built from it). */
export const CREDENTIAL_CHECK_NAMES = [
  'context',
  'proof',
  'issuerTrusted',
  'issuerAuthorized',
  'keyValid',
  'validityPeriod',
  'schema',
  'revocation',
  'suspension',
] as const;

/** The checks a verification reports, in the order they run. */
export const CHECK_NAMES = [
  'bundle',
  ...CREDENTIAL_CHECK_NAMES,
  'holderBinding',
  'challenge',
  'domain',
  'requestSatisfied',
] as const;

/** The name of one check. */
export type CheckName = (typeof CHECK_NAMES)[number];

/** The outcome of one check: `unknown` means the data needed to decide is missing or stale. */
export type CheckResult = 'valid' | 'invalid' | 'unknown' | 'skipped';

/** One check of a report. */
export interface Check {
  check: CheckName;
  result: CheckResult;
  code?: ErrorCode;
  message: BilingualText;
  /** What was checked: `presentation` or `credential[<index>]`. */
  target: string;
}

/** One disclosed claim with its display label. */
export interface DisclosedClaim {
  field: string;
  pointer: string;
  value: unknown;
  label: BilingualText;
}

/** A verified credential as shown to the person checking it. */
export interface DisclosedCredential {
  type: string;
  issuer: { id: string; name: BilingualText };
  claims: DisclosedClaim[];
}

/** What `verifyCredential` and `verifyPresentation` return; they never throw for bad data. */
export interface VerificationReport {
  verified: boolean;
  status: 'verified' | 'not-verified' | 'unknown';
  checks: Check[];
  errors: Array<{ code: ErrorCode; message: string }>;
  /** Unknown results accepted under the `warn` policy: verified, but the person must be told. */
  warnings: Array<{ code: ErrorCode; message: string }>;
  /** Disclosed claims, only of credentials whose proof verified. */
  credentials: DisclosedCredential[];
}

/** `trust-bundle` (default): issuers and keys come from the bundle. `integrity-only`: any key resolvable offline that the issuer controls. */
export type VerificationPolicy = 'trust-bundle' | 'integrity-only';

/** What to do when a check cannot be decided (stale status list or bundle). */
export type UnknownPolicy = 'fail-closed' | 'warn';
