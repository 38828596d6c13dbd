import type { NormalizedPresentationRequest } from './presentation-request.js';

/**
 * A relying party (verifier) as the trust authority registers it: who it is,
 * what it may ask for and how long it says it keeps what it receives. Wallets
 * and verifier libraries check every request against it (data minimisation).
 *
 * @example
 * { id: 'mangxahoi.example.vn', name: { vi: 'Mạng xã hội ABC', en: 'ABC Social' }, registration: 'BTTTT-2026-0042',
 *   retention: 'P30D', credentials: [{ type: 'AgeAttestation', fields: ['ageOver16'] }] }
 */
export interface RelyingPartyRegistration {
  /** The domain presentations are bound to. */
  id: string;
  name: { vi: string; en: string };
  /** The registration number the authority gave it. */
  registration: string;
  /** How long it keeps what it receives, as it declared (ISO 8601 duration). */
  retention: string;
  /** Per credential type, the only fields it may request. */
  credentials: Array<{ type: string; fields: string[] }>;
  /**
   * RFC 7638 SHA-256 thumbprints (base64url) of the keys that sign its OpenID4VP authorization requests: a
   * wallet accepts a request under this client id only when it is signed by one of them (pre-registration).
   */
  requestKeys?: string[];
}

/** Every (type, field) of a request that the registration does not allow; empty when it is within it. */
export function fieldsBeyondRegistration(
  request: Pick<NormalizedPresentationRequest, 'queries'>,
  registration: RelyingPartyRegistration,
): Array<{ type: string; field: string }> {
  const beyond: Array<{ type: string; field: string }> = [];
  for (const q of request.queries) {
    const allowed = registration.credentials.find((c) => c.type === q.type)?.fields ?? [];
    for (const field of q.fields) if (!allowed.includes(field)) beyond.push({ type: q.type, field });
  }
  return beyond;
}
