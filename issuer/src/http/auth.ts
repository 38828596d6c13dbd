import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { VneidError } from '@vneid/core';
import type { NextFunction, Request, Response } from 'express';

/** One API key as the service holds it: the ministry it acts for and the key's SHA-256 (hex), never the key. */
export interface ApiKeyEntry {
  ministry: string;
  sha256: string;
}

/**
 * A new random API key (256 bits, base64url). Show it once to its owner;
 * keep only {@link hashApiKey} of it.
 *
 * @example
 * const key = generateApiKey(); const entry = { ministry: 'bo-cong-an', sha256: hashApiKey(key) };
 */
export function generateApiKey(): string {
  return `vneid_${randomBytes(32).toString('base64url')}`;
}

/**
 * SHA-256 (hex) of an API key. A fast hash is enough: keys are 256-bit random,
 * so there is nothing to brute-force.
 *
 * @example
 * hashApiKey('vneid_…') // '3f1c…'
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]{1,256})$/;

/** Looks a presented key's SHA-256 (hex) up in the live store; revoked keys come back with `revokedAt`. */
export type ApiKeyLookup = (sha256: string) => Promise<(ApiKeyEntry & { revokedAt?: string }) | undefined>;

/**
 * Resolves `Authorization: Bearer <key>` to a ministry. The fixed `entries`
 * (given to createApp by a library user or a test) are compared in constant
 * time without exiting early; then `lookup` asks the store as it is now, so a
 * key created or revoked while the service runs counts from the next request
 * (a lookup by the SHA-256 of a 256-bit random key leaks nothing usable
 * through its timing).
 */
export function authenticate(entries: readonly ApiKeyEntry[], lookup?: ApiKeyLookup) {
  const stored = entries.map((e) => ({ ministry: e.ministry, hash: Buffer.from(e.sha256, 'hex') }));
  for (const s of stored) if (s.hash.length !== 32) throw new TypeError('apiKeys[].sha256 must be 64 hex digits');
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const match = BEARER.exec(req.get('authorization') ?? '');
    if (!match) throw new VneidError('UNAUTHENTICATED', 'a Bearer API key is required');
    const presented = createHash('sha256')
      .update(match[1] as string, 'utf8')
      .digest();
    let ministry: string | undefined;
    for (const s of stored) {
      if (timingSafeEqual(presented, s.hash) && ministry === undefined) ministry = s.ministry;
    }
    if (ministry === undefined && lookup) {
      const found = await lookup(presented.toString('hex'));
      const hash = found ? Buffer.from(found.sha256, 'hex') : undefined;
      if (found && hash?.length === 32 && timingSafeEqual(presented, hash) && found.revokedAt === undefined) {
        ministry = found.ministry;
      }
    }
    if (ministry === undefined) throw new VneidError('UNAUTHENTICATED', 'the API key is not valid');
    res.locals.ministry = ministry;
    res.locals.apiKeyId = presented.toString('hex');
    next();
  };
}
