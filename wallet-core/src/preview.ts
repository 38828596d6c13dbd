import { randomUUID } from 'node:crypto';
import {
  canonicalJson,
  fieldsBeyondRegistration,
  type NormalizedPresentationRequest,
  parsePresentationRequest,
  VneidError,
} from '@vneid/core';
import { recordConsent } from './consents.js';
import { assertNoHostileFields, requestFromText } from './lib/hostile-fields.js';
import type { WalletState } from './lib/state.js';

/** What the citizen agrees to: built from a preview, narrowed (never widened) by the citizen. */
export interface Consent {
  previewId: string;
  /** Per credential query of the request, in order: the fields the citizen agrees to show. */
  fields: string[][];
}

/** What the wallet shows the citizen before anything is shared. */
export interface ConsentPreview {
  id: string;
  verifier: {
    domain: string;
    /** False for a verifier the trust bundle does not list: the app must flag it. */
    registered: boolean;
    name?: { vi: string; en: string };
    registration?: string;
  };
  /** The reasons the request gives. */
  purpose: string[];
  /** How long the verifier says it keeps the data (its registration's declaration). */
  retention?: string;
  credentials: Array<{ type: string; fields: string[] }>;
  /** The full consent to everything asked: narrow `fields` before passing it to `present`. */
  consent: Consent;
  /** @internal the request as previewed, to bind the consent to it. */
  readonly requestKey: string;
  readonly request: NormalizedPresentationRequest;
}

/**
 * Tells the citizen who asks (name and registration from the trust bundle;
 * an unregistered verifier flagged), why, for which fields of which
 * credentials, and how long the verifier keeps them. A registered verifier
 * asking beyond its registration is refused here, and the refusal recorded.
 *
 * @throws {VneidError} FIELDS_NOT_REGISTERED (details.fields), MALFORMED_VALUE_ERROR, UNSAFE_POINTER,
 *   UNSAFE_JSON, INPUT_LIMIT_EXCEEDED.
 */
export async function preview(state: WalletState, input: unknown): Promise<ConsentPreview> {
  const raw = requestFromText(input);
  assertNoHostileFields(raw);
  const request = parsePresentationRequest(raw);
  const rp = state.relyingParties.get(request.domain);
  const credentials = request.queries.map((q) => ({ type: q.type, fields: [...q.fields] }));
  const purpose = [...new Set(request.queries.flatMap((q) => (q.reason ? [q.reason.slice(0, 200)] : [])))];
  if (rp) {
    const beyond = fieldsBeyondRegistration(request, rp);
    if (beyond.length > 0) {
      await recordConsent(
        state,
        { domain: request.domain, registered: true, purpose, credentials },
        'refused-by-wallet',
      );
      throw new VneidError('FIELDS_NOT_REGISTERED', `${rp.name.en} is not registered to ask for these fields`, {
        details: { fields: beyond },
      });
    }
  }
  const id = `urn:uuid:${randomUUID()}`;
  const shown: ConsentPreview = {
    id,
    verifier: {
      domain: request.domain,
      registered: rp !== undefined,
      ...(rp ? { name: rp.name, registration: rp.registration } : {}),
    },
    purpose,
    ...(rp ? { retention: rp.retention } : {}),
    credentials,
    consent: { previewId: id, fields: credentials.map((c) => [...c.fields]) },
    requestKey: canonicalJson(request),
    request,
  };
  state.previews.set(id, shown);
  return structuredClone(shown);
}

/**
 * Checks a consent against its preview and the request: same request, and per
 * query only fields the preview showed. Returns the request narrowed to it.
 *
 * @throws {VneidError} CONSENT_REQUIRED, CONSENT_MISMATCH, CONSENT_WIDENED.
 */
export function narrowToConsent(
  state: WalletState,
  request: NormalizedPresentationRequest,
  consent: unknown,
): { request: NormalizedPresentationRequest; preview: ConsentPreview } {
  const c = consent as Partial<Consent> | undefined;
  if (!c || typeof c !== 'object' || typeof c.previewId !== 'string' || !Array.isArray(c.fields)) {
    throw new VneidError('CONSENT_REQUIRED', 'present needs the consent built from wallet.preview');
  }
  const shown = state.previews.get(c.previewId);
  if (!shown || shown.requestKey !== canonicalJson(request)) {
    throw new VneidError('CONSENT_MISMATCH', 'the consent was not given for this request');
  }
  if (c.fields.length !== shown.credentials.length) {
    throw new VneidError('CONSENT_MISMATCH', 'the consent does not answer each credential query');
  }
  const queries: NormalizedPresentationRequest['queries'] = [];
  shown.request.queries.forEach((q, i) => {
    const agreed = c.fields![i];
    if (!Array.isArray(agreed) || agreed.some((f) => typeof f !== 'string')) {
      throw new VneidError('CONSENT_MISMATCH', 'consent fields must be arrays of field names');
    }
    const widened = agreed.filter((f) => !q.fields.includes(f));
    if (widened.length > 0) {
      throw new VneidError('CONSENT_WIDENED', 'the consent names fields the verifier did not ask for', {
        details: { type: q.type, fields: widened },
      });
    }
    // A query the citizen narrowed to nothing is left out: that credential is not shown at all.
    if (agreed.length > 0) queries.push({ ...q, fields: q.fields.filter((f) => agreed.includes(f)) });
  });
  if (queries.length === 0) throw new VneidError('CONSENT_REQUIRED', 'the consent agrees to share nothing');
  return { request: { ...request, queries }, preview: shown };
}
