import {
  assertSafeJson,
  DEFAULT_JSON_LIMITS,
  InputLimitError,
  type JsonLdContextDocument,
  type JsonLimits,
  MANDATORY_POINTERS,
} from '@vneid/core';
import type { StatusCache } from '../open-status-cache.js';
import {
  CHECK_NAMES,
  type CheckName,
  type LoadedTrustBundle,
  type TrustBundle,
  type UnknownPolicy,
  type VerificationPolicy,
} from '../types.js';
import { isLoaded } from './bundle-registry.js';
import { nowMs } from './dates.js';
import { type ProfileRules, profileRules, type VerificationProfile } from './profiles.js';

const NEVER_SKIPPED: readonly CheckName[] = ['context', 'proof', 'challenge', 'domain', 'holderBinding'];

// Claims every VNeID credential carries, so a derived one must show them.
// `validUntil` (a degree never expires) and `credentialSubject.id` (a
// holder-less credential) are optional in the base credential; when present
// they are mandatory pointers, so dropping them breaks the proof anyway.
const OPTIONAL_IN_BASE = new Set(['/validUntil', '/credentialSubject/id']);
const DEFAULT_MANDATORY_CLAIMS = MANDATORY_POINTERS.filter((p) => !OPTIONAL_IN_BASE.has(p));

import { type TrustView, trustView } from './trust-view.js';

/** Options shared by `verifyCredential` and `verifyPresentation`. */
export interface CommonVerifyOptions {
  /** The bundle from `loadTrustBundle` (its result, or the `bundle` inside it). */
  bundle: Readonly<TrustBundle> | LoadedTrustBundle;
  /** Status lists synced by `syncStatus`; verification reads nothing else. */
  statusCache: StatusCache;
  /** The verifier's clock. */
  now: Date;
  /**
   * Which rules apply (default `citizen-document`, the policy our documents are
   * issued under); `general` is the spec-conformant verifier for other issuers.
   * The README's "Verification profiles" section lists what each refuses.
   */
  profile?: VerificationProfile;
  /** Default `trust-bundle`. `integrity-only` accepts any issuer controlling a key resolvable offline (did:key). */
  policy?: VerificationPolicy;
  /** Run only these checks (VC API `options.checks`); the rest are reported `skipped`. Input limits, contexts, proofs, challenge, domain and holder binding always run. */
  checks?: readonly CheckName[];
  /** `fail-closed` (default): `unknown` means not verified. `warn`: verified, with warnings. */
  onUnknown?: UnknownPolicy;
  /** Tolerance for validity dates, in seconds (default 0: the library's 300 s default is not used). */
  clockSkewSeconds?: number;
  /** A status list whose `validFrom` is older than this is stale (default: only its `validUntil`). */
  statusMaxAgeSeconds?: number;
  /** A bundle issued longer ago than this is stale (default: only its `validUntil`). */
  bundleMaxAgeSeconds?: number;
  /** Local copies of extra contexts the bundle pins (test vectors, partner vocabularies). */
  extraContexts?: ReadonlyMap<string, JsonLdContextDocument>;
  /** JSON pointers a VNeID credential must carry (default: core's MANDATORY_POINTERS but validUntil and the holder id). */
  mandatoryClaims?: readonly string[];
  /** Input limits; the defaults keep any input well under a second of work. */
  limits?: Partial<JsonLimits>;
}

/** Options after validation. */
export interface Context {
  bundle: Readonly<TrustBundle>;
  view: TrustView;
  profile: Readonly<ProfileRules>;
  cache: StatusCache;
  now: number;
  policy: VerificationPolicy;
  checks: ReadonlySet<CheckName> | undefined;
  onUnknown: UnknownPolicy;
  skewMs: number;
  statusMaxAgeSeconds: number | undefined;
  bundleMaxAgeSeconds: number | undefined;
  /** loadTrustBundle already judged the bundle stale (e.g. by its `maxAge`): that verdict stands. */
  bundleLoadedStale: boolean;
  mandatoryClaims: readonly string[];
  limits: JsonLimits;
}

function nonNegative(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`${name} must be a non-negative number`);
  }
  return value;
}

/** Validates the caller's options; misuse is a TypeError, never a report. */
export function resolveOptions(options: CommonVerifyOptions): Context {
  if (!options || typeof options !== 'object') throw new TypeError('options are required');
  const raw = options.bundle as unknown;
  const loaded =
    raw && typeof raw === 'object' && 'status' in raw && 'bundle' in raw ? (raw as LoadedTrustBundle) : undefined;
  const bundle = loaded ? loaded.bundle : raw;
  if (!isLoaded(bundle)) throw new TypeError('bundle is required and must come from loadTrustBundle');
  if (!options.statusCache || typeof options.statusCache.get !== 'function') {
    throw new TypeError('statusCache is required');
  }
  const policy = options.policy ?? 'trust-bundle';
  if (policy !== 'trust-bundle' && policy !== 'integrity-only') throw new TypeError(`unknown policy ${String(policy)}`);
  const onUnknown = options.onUnknown ?? 'fail-closed';
  if (onUnknown !== 'fail-closed' && onUnknown !== 'warn') throw new TypeError('onUnknown must be fail-closed or warn');
  let checks: Set<CheckName> | undefined;
  if (options.checks !== undefined) {
    if (!Array.isArray(options.checks)) throw new TypeError('checks must be an array of check names');
    for (const c of options.checks) {
      if (!(CHECK_NAMES as readonly string[]).includes(c)) throw new TypeError(`unknown check ${String(c)}`);
    }
    // A caller may narrow the policy checks (VC API `options.checks`), never
    // the integrity and binding ones: without them a garbage signature on a
    // never-issued challenge would come back `verified`.
    checks = new Set([...options.checks, ...NEVER_SKIPPED]);
  }
  return {
    bundle,
    view: trustView(bundle, options.extraContexts),
    profile: profileRules(options.profile),
    cache: options.statusCache,
    now: nowMs(options.now),
    policy,
    checks,
    onUnknown,
    skewMs: (nonNegative(options.clockSkewSeconds, 'clockSkewSeconds') ?? 0) * 1000,
    statusMaxAgeSeconds: nonNegative(options.statusMaxAgeSeconds, 'statusMaxAgeSeconds'),
    bundleMaxAgeSeconds: nonNegative(options.bundleMaxAgeSeconds, 'bundleMaxAgeSeconds'),
    bundleLoadedStale: loaded?.status === 'stale',
    mandatoryClaims: options.mandatoryClaims ?? DEFAULT_MANDATORY_CLAIMS,
    limits: { ...DEFAULT_JSON_LIMITS, ...options.limits },
  };
}

/**
 * Input hygiene before anything else: prototype keys, depth, array length,
 * key count, string length, then total size. Bounded work whatever arrives.
 *
 * @throws {VneidError} UNSAFE_JSON or INPUT_LIMIT_EXCEEDED.
 */
export function assertInputSafe(value: unknown, limits: JsonLimits): void {
  assertSafeJson(value, limits);
  // assertSafeJson bounds keys and string lengths; the serialized size is
  // bounded by them too, so measuring it here is cheap.
  if (Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8') > limits.maxBytes) {
    throw new InputLimitError(`input larger than ${limits.maxBytes} bytes`, { details: { limit: 'maxBytes' } });
  }
}
