import type { RateLimitDecision, RateLimitRequest } from './contract.js';

/** A token bucket as kept by an engine: tokens left and the time (ms) they were counted at. */
export interface TokenBucket {
  tokens: number;
  at: number;
}

/**
 * Refuses a malformed {@link RateLimitRequest} (caller misuse: a TypeError
 * or RangeError, never a decision). Both engines call it first.
 */
export function checkRateLimitRequest(key: unknown, request: RateLimitRequest): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > 200) {
    throw new TypeError('rate-limit key must be a string of 1 to 200 characters');
  }
  const { burst, perSecond, now, tokens = 1 } = request ?? ({} as RateLimitRequest);
  if (!Number.isInteger(burst) || burst < 1) throw new RangeError('burst must be a positive integer');
  if (!(Number.isFinite(perSecond) && perSecond > 0)) throw new RangeError('perSecond must be positive');
  if (!Number.isSafeInteger(now) || now < 0) throw new RangeError('now must be milliseconds since the epoch');
  if (!Number.isInteger(tokens) || Math.abs(tokens) > burst)
    throw new RangeError('tokens must be an integer within the burst');
}

/**
 * One token-bucket step, the reference the PostgreSQL statement mirrors:
 * refill for the time since the bucket was last counted (never for time
 * going backwards — a replica whose clock lags cannot mint tokens, and one
 * whose clock leads gains at most its lead times the rate), cap at `burst`,
 * then take `tokens` if that many are there. A refused request takes
 * nothing, so a client that keeps retrying is let in as soon as the rate
 * allows. Negative `tokens` give back (capped at `burst`).
 */
export function takeTokens(
  bucket: TokenBucket | undefined,
  request: RateLimitRequest,
): { bucket: TokenBucket; decision: RateLimitDecision } {
  const { burst, perSecond, now } = request;
  const cost = request.tokens ?? 1;
  const refilled = bucket ? Math.min(burst, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * perSecond) : burst;
  const allowed = refilled >= cost;
  const tokens = allowed ? Math.min(burst, refilled - cost) : refilled;
  return {
    bucket: { tokens, at: bucket ? Math.max(bucket.at, now) : now },
    decision: decisionOf(allowed, tokens, request),
  };
}

/** The decision a caller sees, from the bucket after the step (shared by both engines). */
export function decisionOf(allowed: boolean, tokens: number, request: RateLimitRequest): RateLimitDecision {
  const cost = request.tokens ?? 1;
  return {
    allowed,
    remaining: Math.max(0, Math.floor(tokens)),
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((cost - tokens) / request.perSecond)),
  };
}
