import { VneidError } from '@vneid/core';

export function unknownCredential(id: unknown): VneidError {
  return new VneidError('UNKNOWN_CREDENTIAL', 'no credential with this id was issued here', {
    details: { credentialId: typeof id === 'string' ? id.slice(0, 80) : typeof id },
  });
}

/**
 * `recordIssuance` of a credential id already stored (HTTP 409). Only a
 * caller-chosen id (general credentials) can collide: the storage refuses
 * the second write whole, so the stored record keeps the status slots of the
 * credential that was returned first, and revoking the id revokes that one.
 */
export function credentialIdConflict(id: string): VneidError {
  return new VneidError('CREDENTIAL_ID_CONFLICT', 'a credential with this id was already issued', {
    details: { pointer: '/id', credentialId: id.slice(0, 80) },
  });
}

/** Seconds a client should wait before retrying when the database cannot be reached. */
export const STORAGE_RETRY_AFTER = 2;

/**
 * The database cannot be reached (down, failing over, refusing connections).
 * Code `STORAGE_UNAVAILABLE` (HTTP 503 with `Retry-After`): nothing of the
 * request was committed, and retrying later is safe (with an idempotency key,
 * retrying an issuance never gives a second credential).
 */
export class StorageUnavailableError extends VneidError {
  constructor(options: { cause?: unknown } = {}) {
    super('STORAGE_UNAVAILABLE', 'the issuer database is unavailable; retry later', {
      ...options,
      details: { retryAfter: STORAGE_RETRY_AFTER },
    });
  }
}
