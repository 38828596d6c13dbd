import { contextDigests, type JsonLdContextDocument, type RelyingPartyRegistration, W3C_CONTEXTS } from '@vneid/core';
import { registeredContexts } from '@vneid/schemas';
import { assertWithinVerifierLimits } from './lib/bundle-limits.js';
import { assertTrustBundleShape } from './lib/bundle-shape.js';
import type { BundleIssuer, TrustBundle } from './types.js';

/**
 * Builds an unsigned trust bundle. `contexts` defaults to the digests of the
 * bundled W3C contexts and of every registered VNeID credential type, so the
 * verifier pins exactly the vocabularies this release ships.
 *
 * @example
 * const bundle = createTrustBundle({ version: 7, issuedAt: new Date(), validUntil: new Date(Date.now() + 30 * 86400e3), issuers });
 * const signed = await signTrustBundle(bundle, anchorKey);
 * @throws {MalformedValueError} MALFORMED_VALUE_ERROR when an issuer, date or URL is malformed.
 * @throws {VneidError} BUNDLE_LIMIT_EXCEEDED when verifiers would refuse the bundle for its size
 *   (`details.limit` names the limit of `VERIFIER_LIMITS.trustBundle`): name many status lists by
 *   `statusListPrefix` rather than enumerating them.
 */
export function createTrustBundle(options: {
  version: number;
  issuedAt: Date;
  validUntil: Date;
  issuers: BundleIssuer[];
  /** Relying parties with the fields each may request (data minimisation). */
  relyingParties?: RelyingPartyRegistration[];
  contexts?: Record<string, string>;
  /** Extra context documents to pin beside the defaults (test vectors, partner vocabularies). */
  extraContexts?: ReadonlyMap<string, JsonLdContextDocument>;
}): TrustBundle {
  if (!(options.issuedAt instanceof Date) || !(options.validUntil instanceof Date)) {
    throw new TypeError('issuedAt and validUntil must be Dates');
  }
  const contexts = options.contexts ?? {
    ...contextDigests(W3C_CONTEXTS),
    ...contextDigests(registeredContexts() as Map<string, JsonLdContextDocument>),
  };
  const bundle: TrustBundle = {
    type: 'VneidTrustBundle',
    version: options.version,
    issuedAt: options.issuedAt.toISOString(),
    validUntil: options.validUntil.toISOString(),
    contexts: { ...contexts, ...contextDigests(options.extraContexts ?? new Map()) },
    issuers: structuredClone(options.issuers),
    ...(options.relyingParties ? { relyingParties: structuredClone(options.relyingParties) } : {}),
  };
  assertTrustBundleShape(bundle, { requireProof: false });
  assertWithinVerifierLimits(bundle);
  return bundle;
}
