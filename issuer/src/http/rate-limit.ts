import { VneidError } from '@vneid/core';
import type { Request, RequestHandler } from 'express';
import { rateLimit as limiter, type RateLimitInfo } from 'express-rate-limit';
import type { Issuer } from '../create-issuer.js';
import { StorageRateLimitStore } from './rate-limit-store.js';

/** Token bucket per API key. */
export interface RateLimitOptions {
  /** Burst size (tokens in a full bucket, an integer); default 60. */
  capacity: number;
  /** Tokens added per second; default 1 (60 per minute). */
  refillPerSecond: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { capacity: 60, refillPerSecond: 1 };

/**
 * Limits each authenticated key (res.locals.apiKeyId) with express-rate-limit
 * over {@link StorageRateLimitStore}: on PostgreSQL the limit holds across all
 * replicas together. Answers RATE_LIMITED (429) with Retry-After.
 *
 * When the storage cannot be reached the limiter answers what the rest of the
 * service answers, STORAGE_UNAVAILABLE (503, Retry-After) — it does not fail
 * open: every limited route reads or writes the database right after, so
 * letting requests through would win nothing while the database is down, and
 * on a flaky connection it would let a key exceed its limit unseen.
 */
export function rateLimit(
  issuer: Pick<Issuer, 'consumeRateLimit' | 'storageEngine'>,
  options: RateLimitOptions,
  now: () => number = Date.now,
): RequestHandler {
  if (!Number.isInteger(options.capacity) || options.capacity < 1 || !(options.refillPerSecond > 0)) {
    throw new RangeError('rate limit must be positive (capacity an integer)');
  }
  return limiter({
    store: new StorageRateLimitStore(issuer, options, now),
    limit: options.capacity,
    // Used by the library only for headers, which are not sent: the time a bucket takes to fill.
    windowMs: Math.ceil((options.capacity / options.refillPerSecond) * 1000),
    standardHeaders: false,
    legacyHeaders: false,
    passOnStoreError: false,
    keyGenerator: (_req, res) => String(res.locals.apiKeyId),
    handler: (req, _res, next) => {
      const info = (req as Request & { rateLimit?: RateLimitInfo }).rateLimit;
      const resetAt = info?.resetTime?.getTime() ?? now() + 1000;
      const retryAfter = Math.max(1, Math.ceil((resetAt - now()) / 1000));
      next(new VneidError('RATE_LIMITED', 'too many requests for this API key', { details: { retryAfter } }));
    },
  });
}
