import type { CachedStatusList } from '../open-status-cache.js';
import { verifyStatusListCredential } from './status-list-credential.js';
import type { TrustView } from './trust-view.js';

// The fields a verification reads from an entry; each must be what the signed copy says.
const COPIED = [
  'url',
  'issuer',
  'statusPurpose',
  'validFrom',
  'validUntil',
  'encodedList',
  'verificationMethod',
  'publicKeyMultibase',
  'proofCreated',
] as const;

// One verdict per entry object: the cache hands out the same frozen entry
// until a sync replaces it, so a list is re-verified once per process, not
// at every status check.
const verdicts = new WeakMap<object, Promise<string | undefined>>();

/**
 * Why a status list held in the cache must not be believed, or `undefined`.
 * The cache is a file on the verifier's disk: anyone with the disk can write
 * an all-zero `encodedList` into it and un-revoke every credential. So the
 * signed list is kept beside the copy, its proof re-verified against the
 * bundle the first time the entry is read, and the copy compared with it.
 * An entry read under one URL must also BE that URL's list (`options.url`).
 * (A key held by the device would do as well, but a phone or a roadside
 * tablet has nowhere to keep it that the disk's reader cannot reach.)
 */
export function cachedListProblem(
  held: Readonly<CachedStatusList>,
  view: TrustView,
  options: { url: string },
): Promise<string | undefined> {
  // The signed copy proves which list an entry is, not which key it sits
  // under: a genuine entry of another list (an issuer's all-zero standby
  // list) copied under this URL's key would otherwise pass every check below.
  if (held.url !== options.url) return Promise.resolve(`the cached entry is the list ${held.url}, not ${options.url}`);
  const known = verdicts.get(held);
  if (known) return known;
  const verdict = check(held, view);
  if (Object.isFrozen(held)) verdicts.set(held, verdict);
  return verdict;
}

async function check(held: Readonly<CachedStatusList>, view: TrustView): Promise<string | undefined> {
  const issuer = view.issuers.get(held.issuer);
  if (!held.credential || typeof held.credential !== 'object') return 'the cached list has no signed copy';
  if (!issuer) return 'the cached list names an issuer outside the bundle';
  let fresh: CachedStatusList;
  try {
    fresh = await verifyStatusListCredential(held.credential, {
      url: held.url,
      issuer,
      view,
      now: new Date(Date.parse(held.fetchedAt) || 0),
    });
  } catch (error) {
    return `the cached list's signed copy does not verify: ${(error as Error).message}`;
  }
  const changed = COPIED.find((field) => fresh[field] !== held[field]);
  return changed && `the cached list's ${changed} differs from its signed copy`;
}

/**
 * Marks the entry the cache now hands out for a list that a sync has just
 * verified and stored, so the next sync does not verify all of them again
 * (3,052 lists: about a second here, most of a re-sync). Only an object that
 * IS what was verified is marked: frozen (the cache's own copy), the same
 * signed credential object, and every copied field equal; anything read
 * back from disk later is a new object and is verified when first read.
 */
export function rememberVerified(
  stored: Readonly<CachedStatusList> | undefined,
  verified: Readonly<CachedStatusList>,
): void {
  if (!stored || !Object.isFrozen(stored) || stored.credential !== verified.credential) return;
  if (COPIED.some((field) => stored[field] !== verified[field])) return;
  verdicts.set(stored, Promise.resolve(undefined));
}
