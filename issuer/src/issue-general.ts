import { randomUUID } from 'node:crypto';
import {
  assertSafeJson,
  assertSafePointers,
  BITSTRING_STATUS_LIST_V1_CONTEXT_URL,
  ContextNotAllowedError,
  CREDENTIALS_V1_CONTEXT_URL,
  CREDENTIALS_V2_CONTEXT_URL,
  type CryptosuiteName,
  DATA_INTEGRITY_V2_CONTEXT_URL,
  idOf,
  isCryptosuiteName,
  type JsonObject,
  jsonDigest,
  type KeyType,
  MalformedValueError,
  mandatoryPointersFor,
  pointerResolves,
  selectablePointer,
  toVneidError,
  VneidError,
  W3C_CONTEXTS,
} from '@vneid/core';
import { isRegisteredType } from '@vneid/schemas';
import { allocationPolicy, type IssuerContext } from './lib/context.js';
import { safeLabel, statusEntries } from './lib/issue-core.js';
import { keyTypeFor, requireMinistry, signingKey } from './lib/keys.js';
import { issuerLoader } from './lib/loader.js';
import { signWithKey } from './lib/sign.js';
import type { IssuanceRecord, MinistryRecord, StatusSlot } from './lib/types.js';
import { checkValidityPeriod } from './lib/validity-policy.js';
import { credentialIdConflict } from './storage/errors.js';
import { statusListPrefix } from './trust-bundle-issuers.js';

/** The issuance record `type` of a general credential with issuer-managed status. */
export const GENERAL_CREDENTIAL_RECORD_TYPE = 'GeneralCredential';

/** What {@link Issuer.issueGeneral} takes. */
export interface GeneralIssueRequest {
  ministry: string;
  /** A VCDM 2.0 or 1.1 credential without proof; `issuer`, if present, must be the ministry's DID. */
  credential: JsonObject;
  suite?: CryptosuiteName;
  /** ecdsa-sd-2023 only; default: the {@link MANDATORY_POINTERS} the credential contains. */
  mandatoryPointers?: string[];
  /**
   * VC API `options.credentialStatus`: `{ type: 'BitstringStatusListEntry' }`
   * makes the issuer allocate a revocation and a suspension entry in the
   * ministry's lists and keep a record, so that the credential can be
   * revoked or suspended through the status API like our document types.
   */
  credentialStatus?: { type: string };
  /** The key type to sign with where the suite allows several (ecdsa-rdfc-2019: P-256, the default, or P-384). */
  keyType?: KeyType;
}

const MAX_SUBJECTS = 64;
const MAX_ID_LENGTH = 200;

function contextList(ctx: IssuerContext, credential: JsonObject): string[] {
  const raw = credential['@context'];
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list) || list.length === 0) {
    throw new MalformedValueError('@context must be a URL or a non-empty array of URLs', {
      details: { pointer: '/@context' },
    });
  }
  for (const entry of list) {
    // Inline contexts could redefine any term the issuer signs: only pinned URLs are accepted,
    // the bundled W3C set and those the operator pinned by digest (`generalContexts`).
    // Our document types' contexts are not among them: those types go through issue(),
    // with their schema, the ministry's role, a holder and status entries.
    if (typeof entry !== 'string' || !(W3C_CONTEXTS.has(entry) || ctx.generalContexts.has(entry))) {
      throw new ContextNotAllowedError('only bundled or configured contexts may be used', {
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

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

// One subject or a non-empty array of them (VCDM 2.0 §4.7).
function checkSubjects(sub: unknown): void {
  const list = Array.isArray(sub) ? sub : [sub];
  if (list.length === 0 || list.length > MAX_SUBJECTS || !list.every(isObject)) {
    throw new MalformedValueError(`credentialSubject must be an object or an array of 1 to ${MAX_SUBJECTS} objects`, {
      details: { pointer: '/credentialSubject' },
    });
  }
}

/**
 * A status entry the caller brought (ministry policy `allowCallerCredentialStatus`):
 * objects with a `type`, and never one that points into this issuer's own
 * lists — those indexes belong to credentials the issuer allocated them to.
 */
function checkCallerStatus(ctx: IssuerContext, ministry: MinistryRecord, status: unknown): void {
  if (!ministry.allowCallerCredentialStatus) {
    throw new VneidError('FORBIDDEN_FIELD', 'this ministry does not accept a caller-set credentialStatus', {
      details: { field: 'credentialStatus', pointer: '/credentialStatus' },
    });
  }
  const list = Array.isArray(status) ? status : [status];
  const ours = statusListPrefix(ctx);
  list.forEach((entry, i) => {
    const pointer = Array.isArray(status) ? `/credentialStatus/${i}` : '/credentialStatus';
    if (!isObject(entry) || typeof entry.type !== 'string') {
      throw new MalformedValueError('each credentialStatus entry must be an object with a type', {
        details: { pointer },
      });
    }
    const target = entry.statusListCredential;
    if (typeof target === 'string' && target.startsWith(ours)) {
      throw new VneidError(
        'FORBIDDEN_FIELD',
        "a caller-set credentialStatus cannot point into the issuer's own lists",
        {
          details: { field: 'credentialStatus', pointer: `${pointer}/statusListCredential` },
        },
      );
    }
  });
}

function dateField(credential: JsonObject, field: string): string | undefined {
  const value = credential[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    throw new MalformedValueError(`${field} must be an ISO 8601 date-time`, { details: { pointer: `/${field}` } });
  }
  return value;
}

// The caller's pointers, checked against the credential before signing, so a bad one is a
// 422 naming it rather than a library error; an `…/id` of an id-only node selects the node.
function callerPointers(credential: JsonObject, pointers: unknown): string[] {
  try {
    assertSafePointers(pointers);
  } catch (error) {
    if (error instanceof TypeError) throw new VneidError('UNSAFE_POINTER', error.message);
    throw error;
  }
  return pointers.map((pointer) => {
    if (!pointerResolves(credential, pointer)) {
      throw new VneidError(
        'MANDATORY_POINTER_INVALID',
        `mandatory pointer ${pointer} matches nothing in the credential`,
        {
          details: { pointer },
        },
      );
    }
    return selectablePointer(credential, pointer);
  });
}

/**
 * Signs a general VCDM credential (not one of the registered citizen types)
 * for a ministry allowed to (`allowGeneralCredentials`): the W3C VC API
 * conformance path. Contexts must be bundled ones or pinned by the operator;
 * a 1.1 credential gets the Data Integrity context and an issuanceDate when
 * missing; JSON-LD safe mode refuses undefined terms; the validity period
 * follows the issuance policy (ordered, bounded backdating). With
 * `credentialStatus` the issuer allocates status entries and keeps a record;
 * the issuance is audited either way.
 *
 * @example
 * await issuer.issueGeneral({ ministry: 'test-issuer', credential: { '@context': [V2], type: ['VerifiableCredential'], credentialSubject: { id: 'did:example:1' } } });
 * @throws {VneidError} ISSUER_NOT_AUTHORIZED, UNKNOWN_MINISTRY, FORBIDDEN_FIELD (proof, credentialStatus where the
 *   ministry does not allow it, another issuer), MALFORMED_VALUE_ERROR (no credentialSubject, bad type or context
 *   list), CONTEXT_NOT_ALLOWED, VALIDITY_PERIOD_INVALID, MANDATORY_POINTER_INVALID, CREDENTIAL_ID_CONFLICT,
 *   JSONLD_SAFE_MODE_ERROR (undefined term), UNSAFE_POINTER, UNSAFE_JSON, INPUT_LIMIT_EXCEEDED, INVALID_KEY,
 *   PROOF_GENERATION_ERROR.
 */
export async function issueGeneral(ctx: IssuerContext, request: GeneralIssueRequest): Promise<JsonObject> {
  const ministry = requireMinistry(ctx, request?.ministry);
  if (!ministry.allowGeneralCredentials) {
    throw new VneidError('ISSUER_NOT_AUTHORIZED', `${ministry.slug} does not issue general credentials`, {
      details: { ministry: ministry.slug },
    });
  }
  const input = request.credential;
  if (!isObject(input)) throw new MalformedValueError('credential must be an object');
  assertSafeJson(input);
  const credential = structuredClone(input);
  if ('proof' in credential) {
    throw new VneidError('FORBIDDEN_FIELD', 'the caller cannot set proof', { details: { field: 'proof' } });
  }
  if (credential.credentialStatus !== undefined) checkCallerStatus(ctx, ministry, credential.credentialStatus);
  const given = credential.issuer;
  const givenId = idOf(given);
  if (given !== undefined && givenId !== ministry.did) {
    throw new VneidError('FORBIDDEN_FIELD', 'issuer must be the ministry itself', { details: { field: 'issuer' } });
  }
  if (given === undefined) credential.issuer = ministry.did;
  if (credential.credentialSubject === undefined) {
    throw new MalformedValueError('credentialSubject is required', { details: { pointer: '/credentialSubject' } });
  }
  checkSubjects(credential.credentialSubject);
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
  const contexts = contextList(ctx, credential);
  const v1 = contexts[0] === CREDENTIALS_V1_CONTEXT_URL;
  const now = ctx
    .now()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  if (v1) {
    // VCDM 1.1 has no proof terms of its own: Data Integrity's context defines them.
    if (!contexts.includes(DATA_INTEGRITY_V2_CONTEXT_URL))
      credential['@context'] = [...(credential['@context'] as string[]), DATA_INTEGRITY_V2_CONTEXT_URL];
    if (credential.issuanceDate === undefined) credential.issuanceDate = now;
    checkValidityPeriod(
      ctx,
      { validFrom: dateField(credential, 'issuanceDate'), validUntil: dateField(credential, 'expirationDate') },
      { from: 'issuanceDate', until: 'expirationDate' },
    );
  } else {
    checkValidityPeriod(ctx, {
      validFrom: dateField(credential, 'validFrom'),
      validUntil: dateField(credential, 'validUntil'),
    });
  }
  const suite = request.suite ?? 'ecdsa-sd-2023';
  if (!isCryptosuiteName(suite))
    throw new MalformedValueError('unsupported cryptosuite', { details: { suite: safeLabel(suite) } });
  const wantsStatus = request.credentialStatus !== undefined;
  if (wantsStatus) {
    if (!isObject(request.credentialStatus) || request.credentialStatus.type !== 'BitstringStatusListEntry') {
      throw new MalformedValueError('options.credentialStatus must be { type: "BitstringStatusListEntry" }', {
        details: { pointer: '/options/credentialStatus' },
      });
    }
    if (credential.credentialStatus !== undefined) {
      throw new MalformedValueError('credentialStatus is set by the caller and requested from the issuer', {
        details: { pointer: '/credentialStatus' },
      });
    }
    // The status API addresses credentials by id.
    if (credential.id === undefined) credential.id = `urn:uuid:${randomUUID()}`;
    if (typeof credential.id !== 'string' || credential.id.length > MAX_ID_LENGTH) {
      throw new MalformedValueError(`id must be a string of at most ${MAX_ID_LENGTH} characters`, {
        details: { pointer: '/id' },
      });
    }
    // An early answer that saves allocating and signing; the storage decides (two concurrent
    // requests both pass here, and recordIssuance refuses the second, atomically).
    if (await ctx.storage.getRecord(credential.id)) throw credentialIdConflict(credential.id);
    if (v1 && !contexts.includes(BITSTRING_STATUS_LIST_V1_CONTEXT_URL)) {
      credential['@context'] = [...(credential['@context'] as string[]), BITSTRING_STATUS_LIST_V1_CONTEXT_URL];
    }
  }
  // Pointers are checked against the credential as the caller sent it (plus issuer and dates).
  const callerSet = suite === 'ecdsa-sd-2023' && request.mandatoryPointers !== undefined;
  const chosenPointers = callerSet ? callerPointers(credential, request.mandatoryPointers) : undefined;
  const key = await signingKey(ctx, ministry.slug, keyTypeFor(ministry, suite, request.keyType), Date.parse(now));
  let slots: { revocation: StatusSlot; suspension: StatusSlot } | undefined;
  if (wantsStatus) {
    slots = await ctx.storage.reserveSlots(ministry.slug, allocationPolicy(ctx));
    credential.credentialStatus = statusEntries(ctx, slots);
  }
  let mandatoryPointers: string[] | undefined;
  if (suite === 'ecdsa-sd-2023') {
    mandatoryPointers = chosenPointers ?? mandatoryPointersFor(credential);
    // Issuer-allocated status is always mandatory: a holder must not hide it.
    if (chosenPointers && slots && !mandatoryPointers.includes('/credentialStatus'))
      mandatoryPointers.push('/credentialStatus');
  }
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
  const audit = {
    event: 'issued-general',
    data: {
      ministry: ministry.slug,
      credentialId: typeof credential.id === 'string' ? credential.id.slice(0, MAX_ID_LENGTH) : null,
      keyId: key.id,
      cryptosuite: suite,
      digest: jsonDigest(credential),
      ...(slots ? { status: slots } : {}),
    },
  };
  if (!slots) {
    await ctx.storage.appendAudit(audit);
    return signed;
  }
  const record: IssuanceRecord = {
    id: credential.id as string,
    type: GENERAL_CREDENTIAL_RECORD_TYPE,
    ministry: ministry.slug,
    keyId: key.id,
    cryptosuite: suite,
    issuedAt: now,
    subjectDigest: jsonDigest({ credentialSubject: credential.credentialSubject }),
    status: slots,
    state: 'active',
  };
  await ctx.storage.recordIssuance({ record, audit });
  return signed;
}
