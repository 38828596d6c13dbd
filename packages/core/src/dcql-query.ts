import { MalformedValueError } from './errors.js';
import type { NormalizedPresentationRequest, PresentationRequest } from './presentation-request.js';
import { assertSafeJson } from './safe-json.js';

/**
 * The IRI base of VNeID credential types after JSON-LD expansion (equal to
 * `@vneid/schemas`' `VNEID_VOCAB_BASE`; core cannot import schemas).
 */
const TYPE_IRI_BASE = 'https://vneid.gov.vn/vocab#';
const VC_TYPE_IRI = 'https://www.w3.org/2018/credentials#VerifiableCredential';
const FIELD = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_QUERIES = 8;

/** A DCQL query for `ldp_vc` credentials, the subset VNeID verifiers send and wallets accept. */
export interface DcqlQuery {
  credentials: Array<{
    id: string;
    format: 'ldp_vc';
    meta: { type_values: string[][] };
    claims: Array<{ path: string[] }>;
  }>;
}

/** One credential query of a DCQL query, in the shape the rest of VNeID works with. */
export interface DcqlCredentialQuery {
  /** The DCQL credential query id: the key of its presentation in the `vp_token`. */
  id: string;
  type: string;
  fields: string[];
}

/**
 * A DCQL query (OpenID4VP 1.0 §6) asking for `fields` of each credential
 * `type`, in `ldp_vc` format: one credential query per type (ids `q0`, `q1`,
 * …), types as the fully expanded IRIs the spec asks for, one claim path
 * `["credentialSubject", field]` per field.
 *
 * @example
 * dcqlQueryFor([{ type: 'AgeAttestation', fields: ['ageOver16'] }])
 * @throws {MalformedValueError} MALFORMED_VALUE_ERROR for a malformed type or field name.
 * @see https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#name-digital-credentials-query-l
 */
export function dcqlQueryFor(queries: Array<{ type: string; fields: string[] }>): DcqlQuery {
  if (!Array.isArray(queries) || queries.length === 0 || queries.length > MAX_QUERIES) {
    throw new MalformedValueError(`a DCQL query asks for 1 to ${MAX_QUERIES} credentials`);
  }
  return {
    credentials: queries.map((q, i) => {
      if (!FIELD.test(q.type)) throw new MalformedValueError('malformed credential type');
      if (q.fields.length === 0 || q.fields.some((f) => !FIELD.test(f) || f === 'id')) {
        throw new MalformedValueError(`malformed fields for ${q.type}`);
      }
      return {
        id: `q${i}`,
        format: 'ldp_vc' as const,
        meta: { type_values: [[VC_TYPE_IRI, `${TYPE_IRI_BASE}${q.type}`]] },
        claims: q.fields.map((f) => ({ path: ['credentialSubject', f] })),
      };
    }),
  };
}

/**
 * Reads a DCQL query from outside (hostile: its claim paths become JSON
 * pointers): only `ldp_vc` credential queries with a VNeID type and plain
 * `credentialSubject` fields; no `credential_sets`, `claim_sets`, value
 * matching or multiple answers, which VNeID verifiers never send.
 *
 * @throws {MalformedValueError} MALFORMED_VALUE_ERROR naming what is not accepted.
 * @throws {UnsafeJsonError} UNSAFE_JSON, {InputLimitError} INPUT_LIMIT_EXCEEDED.
 */
export function parseDcqlQuery(value: unknown): DcqlCredentialQuery[] {
  assertSafeJson(value, { maxKeys: 512, maxStringLength: 256, maxDepth: 8 });
  const q = value as Record<string, unknown> | null;
  if (!q || typeof q !== 'object' || Array.isArray(q)) throw new MalformedValueError('dcql_query must be an object');
  const extra = Object.keys(q).filter((k) => k !== 'credentials');
  if (extra.length > 0) throw new MalformedValueError(`dcql_query member not supported: ${extra[0]!.slice(0, 40)}`);
  const list = q.credentials;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_QUERIES) {
    throw new MalformedValueError(`dcql_query.credentials must list 1 to ${MAX_QUERIES} queries`);
  }
  const ids = new Set<string>();
  return list.map((c: Record<string, unknown>) => {
    if (!c || typeof c !== 'object' || Array.isArray(c))
      throw new MalformedValueError('a credential query must be an object');
    const unknown = Object.keys(c).filter((k) => !['id', 'format', 'meta', 'claims'].includes(k));
    if (unknown.length > 0)
      throw new MalformedValueError(`credential query member not supported: ${unknown[0]!.slice(0, 40)}`);
    if (typeof c.id !== 'string' || !ID.test(c.id) || ids.has(c.id))
      throw new MalformedValueError('credential query ids must be unique short names');
    ids.add(c.id);
    if (c.format !== 'ldp_vc') throw new MalformedValueError('only ldp_vc credentials are supported');
    const meta = c.meta as Record<string, unknown> | undefined;
    const typeValues = meta?.type_values;
    if (!Array.isArray(typeValues) || typeValues.length !== 1 || !Array.isArray(typeValues[0])) {
      throw new MalformedValueError('meta.type_values must name exactly one type set');
    }
    const types = (typeValues[0] as unknown[]).filter((t) => t !== VC_TYPE_IRI);
    const type =
      types.length === 1 && typeof types[0] === 'string' && types[0].startsWith(TYPE_IRI_BASE)
        ? types[0].slice(TYPE_IRI_BASE.length)
        : '';
    if (!FIELD.test(type)) throw new MalformedValueError('meta.type_values must name one VNeID credential type');
    if (!Array.isArray(c.claims) || c.claims.length === 0 || c.claims.length > 64) {
      throw new MalformedValueError('claims must list 1 to 64 claims');
    }
    const fields = c.claims.map((claim: Record<string, unknown>) => {
      const path = claim?.path;
      if (
        !claim ||
        typeof claim !== 'object' ||
        Object.keys(claim).some((k) => k !== 'path' && k !== 'id') ||
        !Array.isArray(path) ||
        path.length !== 2 ||
        path[0] !== 'credentialSubject' ||
        typeof path[1] !== 'string' ||
        !FIELD.test(path[1]) ||
        path[1] === 'id'
      ) {
        throw new MalformedValueError('a claim path must be ["credentialSubject", <field name>]');
      }
      return path[1];
    });
    if (new Set(fields).size !== fields.length) throw new MalformedValueError('a claim is asked for twice');
    return { id: c.id, type, fields };
  });
}

/**
 * The QueryByExample request equivalent to a DCQL query, bound to the nonce
 * (challenge) and client id (domain): the shape `wallet.preview`/`present`
 * and `verifyPresentation` take (OpenID4VP 1.0 Appendix B.1.3: the proof's
 * `challenge` is the nonce and its `domain` the client id).
 */
export function presentationRequestFromDcql(
  queries: Array<DcqlCredentialQuery & { reason?: string }>,
  binding: Pick<NormalizedPresentationRequest, 'challenge' | 'domain'>,
): PresentationRequest {
  return {
    query: [
      {
        type: 'QueryByExample',
        credentialQuery: queries.map((q) => ({
          ...(q.reason ? { reason: q.reason } : {}),
          example: { type: q.type, credentialSubject: Object.fromEntries(q.fields.map((f) => [f, ''])) },
        })),
      },
    ],
    challenge: binding.challenge,
    domain: binding.domain,
  };
}
