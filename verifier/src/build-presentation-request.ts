import { fieldsBeyondRegistration, type PresentationRequest, parsePresentationRequest, VneidError } from '@vneid/core';
import type { LoadedTrustBundle } from './types.js';

/** Options of {@link buildPresentationRequest}. */
export interface BuildPresentationRequestOptions {
  bundle: LoadedTrustBundle;
  /** The relying party's registered domain: presentations are bound to it. */
  verifier: string;
  /** A challenge from the verifier's challenge store. */
  challenge: string;
  queries: Array<{ type: string; fields: string[]; reason: string }>;
}

/**
 * Builds the QueryByExample request a relying party sends (or shows as a QR),
 * only within what the trust bundle registers it for: the library refuses to
 * ask for more than the registration allows (data minimisation).
 *
 * @example
 * const request = buildPresentationRequest({ bundle, verifier: 'mangxahoi.example.vn', challenge,
 *   queries: [{ type: 'AgeAttestation', fields: ['ageOver16'], reason: 'Xác minh tuổi' }] })
 * @throws {VneidError} RELYING_PARTY_NOT_REGISTERED, FIELDS_NOT_REGISTERED (details.fields), MALFORMED_VALUE_ERROR.
 */
export function buildPresentationRequest(options: BuildPresentationRequestOptions): PresentationRequest {
  const rp = options.bundle.bundle.relyingParties?.find((r) => r.id === options.verifier);
  if (!rp) {
    throw new VneidError('RELYING_PARTY_NOT_REGISTERED', `${options.verifier} is not a registered relying party`);
  }
  const request: PresentationRequest = {
    query: [
      {
        type: 'QueryByExample',
        credentialQuery: options.queries.map((q) => ({
          reason: q.reason,
          example: { type: q.type, credentialSubject: Object.fromEntries(q.fields.map((f) => [f, ''])) },
        })),
      },
    ],
    challenge: options.challenge,
    domain: options.verifier,
  };
  const beyond = fieldsBeyondRegistration(parsePresentationRequest(request), rp);
  if (beyond.length > 0) {
    throw new VneidError('FIELDS_NOT_REGISTERED', `${rp.name.en} is not registered to ask for these fields`, {
      details: { fields: beyond },
    });
  }
  return request;
}
