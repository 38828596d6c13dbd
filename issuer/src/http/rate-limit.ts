import { VneidError } from '@vneid/core';
import type { NextFunction, Request, Response } from 'express';

/** Token bucket per API key. */
export interface RateLimitOptions {
  /** Burst size (tokens in a full bucket); default 60. */
  capacity: number;
  /** Tokens added per second; default 1 (60 per minute). */
  refillPerSecond: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { capacity: 60, refillPerSecond: 1 };

/** Limits each authenticated key (res.locals.apiKeyId); answers RATE_LIMITED with Retry-After. */
export function rateLimit(options: RateLimitOptions, now: () => number = Date.now) {
  if (!(options.capacity >= 1) || !(options.refillPerSecond > 0)) throw new RangeError('rate limit must be positive');
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (_req: Request, res: Response, next: NextFunction): void => {
    const id = String(res.locals.apiKeyId);
    const t = now();
    const b = buckets.get(id) ?? { tokens: options.capacity, at: t };
    b.tokens = Math.min(options.capacity, b.tokens + ((t - b.at) / 1000) * options.refillPerSecond);
    b.at = t;
    buckets.set(id, b);
    if (b.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - b.tokens) / options.refillPerSecond));
      throw new VneidError('RATE_LIMITED', 'too many requests for this API key', { details: { retryAfter } });
    }
    b.tokens -= 1;
    next();
  };
}
