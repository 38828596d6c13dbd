import { findVneidError } from '@vneid/core';
import type { Issuer } from '../create-issuer.js';

/** The answer of `GET /ready`. */
export interface Readiness {
  ready: boolean;
  checks: { storage: 'ok' | 'unreachable'; keys: 'ok' | 'missing' };
  /** Error code of a failed storage probe. */
  code?: string;
}

// An id no issuance can have: a lookup that must answer "unknown" proves the store answers.
const PROBE_ID = 'urn:uuid:00000000-0000-4000-8000-000000000000';

/**
 * Whether the service can do its work now: the store answers a read, and
 * every ministry has an active signing key (the key store was unlocked and
 * its keys published). `/health` only says the process is alive.
 */
export async function checkReadiness(issuer: Issuer): Promise<Readiness> {
  let storage: Readiness['checks']['storage'] = 'ok';
  let code: string | undefined;
  try {
    await issuer.getRecord(PROBE_ID);
  } catch (error) {
    const ours = findVneidError(error);
    if (ours?.code !== 'UNKNOWN_CREDENTIAL') {
      storage = 'unreachable';
      code = ours?.code ?? 'STORAGE_UNAVAILABLE';
    }
  }
  let keys: Readiness['checks']['keys'] = 'ok';
  try {
    for (const m of issuer.listMinistries()) if (!m.keys.some((k) => k.validUntil === undefined)) keys = 'missing';
  } catch {
    keys = 'missing';
  }
  return { ready: storage === 'ok' && keys === 'ok', checks: { storage, keys }, ...(code ? { code } : {}) };
}
