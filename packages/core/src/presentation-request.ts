import { MalformedValueError } from './errors.js';
import { assertSafeJson } from './safe-json.js';

/**
 * A verifier's request, shaped on the W3C CCG Verifiable Presentation Request
 * "QueryByExample" (the form the VC API uses): the keys of
 * `example.credentialSubject` are the fields the verifier needs; their values
 * are ignored. `trustedIssuer` narrows which issuers the wallet may pick.
 *
 * @example
 * { query: [{ type: 'QueryByExample', credentialQuery: [{
 *     reason: 'Kiểm tra giấy phép lái xe',
 *     example: { type: 'DrivingLicence', credentialSubject: { fullName: '', licenceClasses: '' } } }] }],
 *   challenge: 'c0ffee…', domain: 'csgt.bocongan.gov.vn' }
 * @see https://w3c-ccg.github.io/vp-request-spec/#query-by-example
 */
export interface PresentationRequest {
  query: Array<{
    type: 'QueryByExample';
    credentialQuery: CredentialQuery | CredentialQuery[];
  }>;
  challenge: string;
  domain: string;
}

export interface CredentialQuery {
  reason?: string;
  example: { type: string | string[]; credentialSubject?: Record<string, unknown> };
  trustedIssuer?: Array<{ issuer: string; required?: boolean }>;
}

/** The request reduced to what wallets and verifiers act on. */
export interface NormalizedPresentationRequest {
  challenge: string;
  domain: string;
  queries: Array<{ type: string; fields: string[]; trustedIssuers: string[]; reason?: string }>;
}

const FIELD = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
const MAX_QUERIES = 8;

/**
 * Validates a presentation request from outside (it is hostile input: field
 * names become JSON pointers) and normalizes it.
 *
 * @throws {MalformedValueError} MALFORMED_VALUE_ERROR naming what is wrong.
 * @throws {UnsafeJsonError} UNSAFE_JSON, {InputLimitError} INPUT_LIMIT_EXCEEDED.
 */
export function parsePresentationRequest(request: unknown): NormalizedPresentationRequest {
  // assertSafeJson bounds structure, not bytes: keep every string short too.
  assertSafeJson(request, { maxKeys: 256, maxStringLength: 1024, maxDepth: 8 });
  const r = request as Partial<PresentationRequest>;
  if (!r || typeof r !== 'object') throw new MalformedValueError('presentation request must be an object');
  if (typeof r.challenge !== 'string' || r.challenge.length < 8 || r.challenge.length > 256) {
    throw new MalformedValueError('challenge must be a string of 8 to 256 characters');
  }
  if (typeof r.domain !== 'string' || r.domain.length === 0 || r.domain.length > 253) {
    throw new MalformedValueError('domain must be a non-empty string');
  }
  if (!Array.isArray(r.query) || r.query.length === 0) throw new MalformedValueError('query must be a non-empty array');
  const queries: NormalizedPresentationRequest['queries'] = [];
  for (const q of r.query) {
    if (q?.type !== 'QueryByExample') throw new MalformedValueError('only QueryByExample queries are supported');
    const cqs = Array.isArray(q.credentialQuery) ? q.credentialQuery : [q.credentialQuery];
    for (const cq of cqs) {
      if (!cq || typeof cq !== 'object' || !cq.example || typeof cq.example !== 'object') {
        throw new MalformedValueError('credentialQuery.example is required');
      }
      const types = (Array.isArray(cq.example.type) ? cq.example.type : [cq.example.type]).filter(
        (t) => t !== 'VerifiableCredential',
      );
      if (types.length !== 1 || typeof types[0] !== 'string' || !FIELD.test(types[0])) {
        throw new MalformedValueError('example.type must name exactly one credential type');
      }
      const subject = cq.example.credentialSubject ?? {};
      if (typeof subject !== 'object' || Array.isArray(subject)) {
        throw new MalformedValueError('example.credentialSubject must be an object');
      }
      const fields = Object.keys(subject);
      for (const f of fields) {
        if (!FIELD.test(f) || f === 'id')
          throw new MalformedValueError(`requested field name is not allowed: ${f.slice(0, 64)}`);
      }
      if (cq.trustedIssuer !== undefined && !Array.isArray(cq.trustedIssuer)) {
        throw new MalformedValueError('trustedIssuer must be an array');
      }
      const trustedIssuers = (cq.trustedIssuer ?? []).map((t) => {
        if (!t || typeof t.issuer !== 'string') throw new MalformedValueError('trustedIssuer entries need an issuer');
        return t.issuer;
      });
      queries.push({
        type: types[0],
        fields,
        trustedIssuers,
        ...(typeof cq.reason === 'string' ? { reason: cq.reason } : {}),
      });
    }
  }
  if (queries.length > MAX_QUERIES) throw new MalformedValueError(`at most ${MAX_QUERIES} credential queries`);
  return { challenge: r.challenge, domain: r.domain, queries };
}

/** The ecdsa-sd-2023 selective pointers that reveal `fields` of the subject (and the holder id). */
export function selectivePointersFor(fields: string[]): string[] {
  return ['/credentialSubject/id', ...fields.map((f) => `/credentialSubject/${f}`)];
}
