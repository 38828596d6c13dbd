import { randomBytes } from 'node:crypto';

/** When a `consume` call happens and how long a used challenge must be remembered. */
export interface ConsumeContext {
  /** The verifier's clock, in ms (default: the store's own clock). */
  now?: number;
  /**
   * How long the challenge must stay used: as long as a presentation made for
   * it could still be accepted (its maximum age plus clock tolerance).
   * Stores of issued challenges ignore it (their challenges expire anyway).
   */
  ttlSeconds?: number;
}

/** One-time presentation challenges (replay protection). */
export interface ChallengeStore {
  /** A fresh random challenge (256 bits, base64url). */
  issue(): string;
  /** True once for an acceptable challenge, false ever after (a replay). May be asynchronous (a store on disk). */
  consume(challenge: string, context?: ConsumeContext): boolean | Promise<boolean>;
}

/**
 * An in-memory store of issued, time-limited challenges. jsonld-signatures
 * only compares a presentation's challenge with the expected one; this makes
 * each challenge single-use and short-lived, and accepts only challenges it
 * issued. At most `maxEntries` are outstanding: the oldest are dropped first
 * (their holders simply ask for a new one).
 *
 * @example
 * const challenges = createChallengeStore({ ttlSeconds: 120 });
 * const challenge = challenges.issue(); // send to the wallet
 * await verifyPresentation(vp, { challenge, domain, challengeStore: challenges, … });
 * @throws {TypeError} for a non-positive ttl.
 */
export function createChallengeStore(options: {
  ttlSeconds: number;
  maxEntries?: number;
  /** Clock, for tests. */
  now?: () => Date;
}): ChallengeStore {
  const { ttlSeconds, maxEntries = 100_000, now = () => new Date() } = options ?? {};
  if (typeof ttlSeconds !== 'number' || !(ttlSeconds > 0)) throw new TypeError('ttlSeconds must be positive');
  const pending = new Map<string, number>();
  const prune = (at: number) => {
    for (const [c, expiry] of pending) {
      if (expiry > at) break; // insertion order = expiry order (constant ttl)
      pending.delete(c);
    }
  };
  return {
    issue() {
      const at = now().getTime();
      prune(at);
      while (pending.size >= maxEntries) pending.delete(pending.keys().next().value as string);
      const challenge = randomBytes(32).toString('base64url');
      pending.set(challenge, at + ttlSeconds * 1000);
      return challenge;
    },
    consume(challenge) {
      if (typeof challenge !== 'string') return false;
      const expiry = pending.get(challenge);
      pending.delete(challenge);
      return expiry !== undefined && expiry > now().getTime();
    },
  };
}

/**
 * An in-memory record of used challenges, for verifiers that do not issue
 * their own (a challenge agreed some other way, e.g. by a relying party's
 * front end): any challenge is accepted once, and remembered for as long as a
 * presentation made for it could still be accepted. It is what
 * `verifyPresentation` and the verifier router use when given no store. When
 * `maxEntries` challenges are still live, new ones are refused (fail closed)
 * rather than forgetting one that could then be replayed.
 *
 * @example
 * const used = createUsedChallengeStore();
 * await verifyPresentation(vp, { challenge, domain, challengeStore: used, … });
 * @throws {TypeError} for a non-positive ttl or maxEntries.
 */
export function createUsedChallengeStore(
  options: { ttlSeconds?: number; maxEntries?: number; now?: () => Date } = {},
): ChallengeStore {
  const { ttlSeconds = 3600, maxEntries = 1_000_000, now = () => new Date() } = options;
  if (typeof ttlSeconds !== 'number' || !(ttlSeconds > 0)) throw new TypeError('ttlSeconds must be positive');
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new TypeError('maxEntries must be a positive integer');
  const used = new Map<string, number>();
  const prune = (at: number) => {
    for (const [c, expiry] of used) if (expiry <= at) used.delete(c);
  };
  return {
    issue: () => randomBytes(32).toString('base64url'),
    consume(challenge, context = {}) {
      if (typeof challenge !== 'string' || challenge.length === 0) return false;
      const at = context.now ?? now().getTime();
      const expiry = used.get(challenge);
      if (expiry !== undefined && expiry > at) return false;
      if (used.size >= maxEntries) prune(at);
      if (used.size >= maxEntries) return false;
      used.set(challenge, at + (context.ttlSeconds ?? ttlSeconds) * 1000);
      return true;
    },
  };
}
