import { randomBytes } from 'node:crypto';

/** One-time, time-limited presentation challenges (replay protection). */
export interface ChallengeStore {
  /** A fresh random challenge (256 bits, base64url), valid for `ttlSeconds`. */
  issue(): string;
  /** True once for a challenge this store issued and that has not expired; false ever after. */
  consume(challenge: string): boolean;
}

/**
 * An in-memory challenge store. jsonld-signatures only compares a
 * presentation's challenge with the expected one; this makes each challenge
 * single-use and short-lived. At most `maxEntries` are outstanding: the
 * oldest are dropped first (their holders simply ask for a new one).
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
