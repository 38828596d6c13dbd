import type { ClientRateLimitInfo, Store } from 'express-rate-limit';
import type { Issuer } from '../create-issuer.js';
import type { RateLimitDecision } from '../storage/contract.js';
import type { RateLimitOptions } from './rate-limit.js';

/**
 * express-rate-limit's `Store` over the issuer's storage: each hit is one
 * token-bucket step of {@link Issuer.consumeRateLimit}, so on PostgreSQL the
 * buckets are shared by every replica (one key gets its limit once, not once
 * per replica), and on LevelDB they stay in the process as before.
 *
 * The library counts hits against `limit`; a bucket is told in those terms:
 * an allowed hit reports the tokens used so far (`capacity - remaining`,
 * between 1 and `capacity`), a refused one `capacity + 1` with the time the
 * next token is back as `resetTime`. A refused hit takes no token.
 */
export class StorageRateLimitStore implements Store {
  readonly prefix = 'api-key:';
  /** On LevelDB the buckets live in this process (and so are this instance's only). */
  readonly localKeys: boolean;

  constructor(
    private readonly issuer: Pick<Issuer, 'consumeRateLimit' | 'storageEngine'>,
    private readonly options: RateLimitOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.localKeys = issuer.storageEngine === 'leveldb';
  }

  private step(key: string, tokens: number): Promise<{ decision: RateLimitDecision; at: number }> {
    const at = this.now();
    return this.issuer
      .consumeRateLimit(this.prefix + key, {
        burst: this.options.capacity,
        perSecond: this.options.refillPerSecond,
        now: at,
        tokens,
      })
      .then((decision) => ({ decision, at }));
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const { decision, at } = await this.step(key, 1);
    const { capacity, refillPerSecond } = this.options;
    if (!decision.allowed) {
      return { totalHits: capacity + 1, resetTime: new Date(at + decision.retryAfterSeconds * 1000) };
    }
    // Allowed: the bucket is full again after the tokens used have come back.
    const used = capacity - decision.remaining;
    return { totalHits: used, resetTime: new Date(at + Math.ceil((used / refillPerSecond) * 1000)) };
  }

  /** Gives one token back (the library calls it only when told to skip failed or successful requests). */
  async decrement(key: string): Promise<void> {
    await this.step(key, -1);
  }

  /** Refills the key's bucket. */
  async resetKey(key: string): Promise<void> {
    await this.step(key, -this.options.capacity);
  }
}
