import {
  assertSafeJson,
  assertSafePointers,
  ContextNotAllowedError,
  CREDENTIALS_V1_CONTEXT_URL,
  CREDENTIALS_V2_CONTEXT_URL,
  type CryptosuiteName,
  DATA_INTEGRITY_V2_CONTEXT_URL,
  idOf,
  isCryptosuiteName,
  type JsonObject,
  jsonDigest,
  KEY_TYPE_OF_SUITE,
  MalformedValueError,
  toVneidError,
  VneidError,
  W3C_CONTEXTS,
} from '@vneid/core';
import { isRegisteredType } from '@vneid/schemas';
import type { IssuerContext } from './lib/context.js';
import { mandatoryPointersFor, safeLabel } from './lib/issue-core.js';
import { requireMinistry, signingKey } from './lib/keys.js';
import { issuerLoader } from './lib/loader.js';
import { signWithKey } from './lib/sign.js';

/** What {@link Issuer.issueGeneral} takes. */
export interface GeneralIssueRequest {
  ministry: string;
  /** A VCDM 2.0 or 1.1 credential without proof; `issuer`, if present, must be the ministry's DID. */
  credential: JsonObject;
  suite?: CryptosuiteName;
  /** ecdsa-sd-2023 only; default: the {@link MANDATORY_POINTERS} the credential contains. */
  mandatoryPointers?: string[];
}

function contextList(credential: JsonObject): string[] {
  const raw = credential['@context'];
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list) || list.length === 0) {
    throw new MalformedValueError('@context must be a URL or a non-empty array of URLs', {
      details: { pointer: '/@context' },
    });
  }
  for (const entry of list) {
    // Inline contexts could redefine any term the issuer signs: only pinned URLs are accepted.
    // Our document types' contexts are not among them: those types go through issue(),
    // with their schema, the ministry's role, a holder and status entries.
    if (typeof entry !== 'string' || !W3C_CONTEXTS.has(entry)) {
      throw new ContextNotAllowedError('only bundled contexts may be used', {
        details: { context: typeof entry === 'string' ? entry.slice(0, 200) : typeof entry },
      });
    }
  }
  if (list[0] !== CREDENTIALS_V2_CONTEXT_URL && list[0] !== CREDENTIALS_V1_CONTEXT_URL) {
    throw new MalformedValueError('the first context must be the VC Data Model 2.0 or 1.1 context', {
      details: { pointer: '/@context/0' },
    });
  }
  return list as string[];
}

/**
 * Signs a general VCDM credential (not one of the registered citizen types)
 * for a ministry allowed to (`allowGeneralCredentials`): the W3C VC API
 * conformance path. Contexts must be bundled ones; a 1.1 credential gets the
 * Data Integrity context and an issuanceDate when missing; JSON-LD safe mode
 * refuses undefined terms. No status entry is added; the issuance is audited.
 *
 * @example
 * await issuer.issueGeneral({ ministry: 'test-issuer', credential: { '@context': [V2], type: ['VerifiableCredential'], credentialSubject: { id: 'did:example:1' } } });
 * @throws {VneidError} ISSUER_NOT_AUTHORIZED, UNKNOWN_MINISTRY, FORBIDDEN_FIELD (proof, credentialStatus, another issuer),
 *   MALFORMED_VALUE_ERROR (no credentialSubject, bad type or context list), CONTEXT_NOT_ALLOWED,
 *   JSONLD_SAFE_MODE_ERROR (undefined term), UNSAFE_POINTER, UNSAFE_JSON, INPUT_LIMIT_EXCEEDED.
 */
export async function issueGeneral(ctx: IssuerContext, request: GeneralIssueRequest): Promise<JsonObject> {
  const ministry = requireMinistry(ctx, request?.ministry);
  if (!ministry.allowGeneralCredentials) {
    throw new VneidError('ISSUER_NOT_AUTHORIZED', `${ministry.slug} does not issue general credentials`, {
      details: { ministry: ministry.slug },
    });
  }
  const input = request.credential;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new MalformedValueError('credential must be an object');
  }
  assertSafeJson(input);
  const credential = structuredClone(input);
  for (const field of ['proof', 'credentialStatus']) {
    if (field in credential)
      throw new VneidError('FORBIDDEN_FIELD', `the caller cannot set ${field}`, { details: { field } });
  }
  const given = credential.issuer;
  const givenId = idOf(given);
  if (given !== undefined && givenId !== ministry.did) {
    throw new VneidError('FORBIDDEN_FIELD', 'issuer must be the ministry itself', { details: { field: 'issuer' } });
  }
  if (given === undefined) credential.issuer = ministry.did;
  const sub = credential.credentialSubject;
  if (sub === undefined || sub === null || typeof sub !== 'object') {
    throw new MalformedValueError('credentialSubject is required', { details: { pointer: '/credentialSubject' } });
  }
  const types = credential.type;
  if (!(types === 'VerifiableCredential' || (Array.isArray(types) && types.includes('VerifiableCredential')))) {
    throw new MalformedValueError('type must include VerifiableCredential', { details: { pointer: '/type' } });
  }
  const documentType = (Array.isArray(types) ? types : [types]).find((t) => isRegisteredType(t));
  if (documentType !== undefined) {
    throw new VneidError(
      'ISSUER_NOT_AUTHORIZED',
      `${String(documentType).slice(0, 60)} is a document type: issue it with issue()`,
      {
        details: { ministry: ministry.slug, type: String(documentType).slice(0, 60) },
      },
    );
  }
  const contexts = contextList(credential);
  const now = ctx
    .now()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  if (contexts[0] === CREDENTIALS_V1_CONTEXT_URL) {
    // VCDM 1.1 has no proof terms of its own: Data Integrity's context defines them.
    if (!contexts.includes(DATA_INTEGRITY_V2_CONTEXT_URL))
      credential['@context'] = [...contexts, DATA_INTEGRITY_V2_CONTEXT_URL];
    if (credential.issuanceDate === undefined) credential.issuanceDate = now;
  }
  const suite = request.suite ?? 'ecdsa-sd-2023';
  if (!isCryptosuiteName(suite))
    throw new MalformedValueError('unsupported cryptosuite', { details: { suite: safeLabel(suite) } });
  let mandatoryPointers: string[] | undefined;
  if (suite === 'ecdsa-sd-2023') {
    if (request.mandatoryPointers !== undefined) {
      try {
        assertSafePointers(request.mandatoryPointers);
      } catch (error) {
        if (error instanceof TypeError) throw new VneidError('UNSAFE_POINTER', error.message);
        throw error;
      }
      mandatoryPointers = request.mandatoryPointers;
    } else mandatoryPointers = mandatoryPointersFor(credential);
  }
  const key = await signingKey(ctx, ministry.slug, KEY_TYPE_OF_SUITE[suite]);
  let signed: JsonObject;
  try {
    signed = await signWithKey(
      { credential, cryptosuite: suite, created: now, ...(mandatoryPointers ? { mandatoryPointers } : {}) },
      key,
      issuerLoader(ctx),
    );
  } catch (error) {
    throw toVneidError(error, 'PROOF_GENERATION_ERROR', 'could not sign the credential');
  }
  await ctx.storage.appendAudit({
    event: 'issued-general',
    data: {
      ministry: ministry.slug,
      credentialId: typeof credential.id === 'string' ? credential.id.slice(0, 200) : null,
      keyId: key.id,
      cryptosuite: suite,
      digest: jsonDigest(credential),
    },
  });
  return signed;
}
