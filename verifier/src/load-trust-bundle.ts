import { assertSafeJson, canonicalJson, type KeyPair, parseJsonSafely, VneidError } from '@vneid/core';
import { deepFreeze, markLoaded } from './lib/bundle-registry.js';
import { assertTrustBundleShape } from './lib/bundle-shape.js';
import { nowMs, parseDateTime } from './lib/dates.js';
import { ed25519FromMultibase, verifyJcsProof } from './lib/eddsa-jcs.js';
import { VERIFIER_LIMITS } from './lib/limits.js';
import type { LoadedTrustBundle, TrustBundle } from './types.js';

/** Whether a loaded bundle is past its `validUntil` or older than `maxAgeSeconds` at `now`. */
export function isBundleStale(bundle: Readonly<TrustBundle>, now: number, maxAgeSeconds?: number): boolean {
  const until = parseDateTime(bundle.validUntil) ?? 0;
  const issued = parseDateTime(bundle.issuedAt) ?? 0;
  if (now >= until) return true;
  return maxAgeSeconds !== undefined && now - issued > maxAgeSeconds * 1000;
}

/**
 * Parses, validates and authenticates a trust bundle: shape (strictly), the
 * anchor's eddsa-jcs-2022 signature, rollback against the bundle held now,
 * then freshness. A stale bundle is returned (with `status: 'stale'`) rather
 * than thrown: verifications under it report `unknown`, and the caller
 * decides whether that is acceptable until the next update.
 *
 * @example
 * const { status, bundle } = await loadTrustBundle(text, { anchorKey: 'z6Mk…', now: new Date(), current });
 * @throws {VneidError} BUNDLE_SIGNATURE_INVALID (not signed by the anchor), BUNDLE_ROLLBACK (older
 *   version than `current`, or the same version with other content), MALFORMED_VALUE_ERROR,
 *   UNSAFE_JSON, INPUT_LIMIT_EXCEEDED.
 * @throws {TypeError} for a missing anchor key or clock.
 */
export async function loadTrustBundle(
  json: string | unknown,
  options: {
    anchorKey: string | Pick<KeyPair, 'publicKeyMultibase'>;
    now: Date;
    /** In seconds: a bundle issued longer ago than this is stale. */
    maxAge?: number;
    /** The bundle in use now, for rollback protection. */
    current?: Readonly<TrustBundle>;
  },
): Promise<LoadedTrustBundle> {
  const now = nowMs(options.now);
  const anchor = typeof options.anchorKey === 'string' ? options.anchorKey : options.anchorKey?.publicKeyMultibase;
  if (typeof anchor !== 'string' || ed25519FromMultibase(anchor) === undefined) {
    throw new TypeError('anchorKey must be an Ed25519 Multikey (z6Mk…) or a KeyPair holding one');
  }
  const value = typeof json === 'string' ? parseJsonSafely(json, VERIFIER_LIMITS.trustBundle) : json;
  if (typeof json !== 'string') assertSafeJson(value, VERIFIER_LIMITS.trustBundle);
  const bundle = assertTrustBundleShape(structuredClone(value), { requireProof: true });
  if (!verifyJcsProof(bundle as unknown as Record<string, unknown>, anchor)) {
    throw new VneidError('BUNDLE_SIGNATURE_INVALID', 'the trust bundle is not signed by the trust anchor');
  }
  const current = options.current;
  if (current !== undefined) {
    const older = bundle.version < current.version;
    const forked = bundle.version === current.version && canonicalJson(bundle) !== canonicalJson(current);
    if (older || forked) {
      throw new VneidError(
        'BUNDLE_ROLLBACK',
        older
          ? `trust bundle version ${bundle.version} is older than the current ${current.version}`
          : `trust bundle version ${bundle.version} differs from the current bundle of the same version`,
        { details: { version: bundle.version, currentVersion: current.version } },
      );
    }
  }
  const frozen = deepFreeze(bundle);
  markLoaded(frozen);
  return isBundleStale(frozen, now, options.maxAge)
    ? { status: 'stale', bundle: frozen, code: 'BUNDLE_STALE' }
    : { status: 'valid', bundle: frozen };
}
