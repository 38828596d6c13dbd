import { randomUUID } from 'node:crypto';
import {
  assertSafeJson,
  CREDENTIALS_V2_CONTEXT_URL,
  type CryptosuiteName,
  isCryptosuiteName,
  type JsonObject,
  jsonDigest,
  type KeyPair,
  type KeyType,
  MalformedValueError,
  mandatoryPointersFor,
  resolveDidKey,
  toVneidError,
  VneidError,
} from '@vneid/core';
import {
  assertValidSubject,
  type CredentialTypeDefinition,
  credentialSchemaFor,
  getCredentialType,
} from '@vneid/schemas';
import { allocationPolicy, type IssuerContext, statusListUrl } from './context.js';
import { keyTypeFor, requireMinistry, signingKey } from './keys.js';
import type { SignJob } from './sign.js';
import type { IssuanceRecord, MinistryRecord, StatusSlot } from './types.js';
import { checkValidityPeriod } from './validity-policy.js';

/** What a caller asks the issuer to sign: subject data plus a few envelope choices, nothing else. */
export interface IssueRequest {
  /** Slug of the issuing ministry (e.g. `bo-cong-an`). */
  ministry: string;
  /** A registered credential type (e.g. `CitizenIdentityCard`). */
  type: string;
  /** The credentialSubject claims (its `id`, if any, is the holder). */
  subject: Record<string, unknown>;
  validFrom?: string | Date;
  validUntil?: string | Date;
  /** The holder's did:key; becomes `credentialSubject.id`. */
  holder?: string;
  /** Default ecdsa-sd-2023. */
  suite?: CryptosuiteName;
  /** Where the suite allows several key types (ecdsa-rdfc-2019: P-256, the default, or P-384). */
  keyType?: KeyType;
  /**
   * Makes the call safe to repeat: a second call with the same key for the
   * same ministry returns the credential of the first (no second status
   * index, no second record); the key is stored with the issuance, in the
   * same transaction. The same key with a different request is
   * IDEMPOTENCY_KEY_REUSED. 1–200 visible ASCII characters.
   */
  idempotencyKey?: string;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

const ALLOWED_KEYS = new Set(['ministry', 'type', 'subject', 'validFrom', 'validUntil', 'holder', 'suite', 'keyType']);
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export interface PreparedIssue {
  ministry: MinistryRecord;
  definition: CredentialTypeDefinition;
  subject: Record<string, unknown>;
  suite: CryptosuiteName;
  keyType: KeyType;
  validFrom: string;
  validUntil?: string;
}

// Date.parse rolls a day past the month's end over (2026-06-31 is 1 July): refuse it instead.
function isCalendarDate(text: string): boolean {
  const [y, m, d] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  return day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

/** An ISO 8601 date-time, normalised to UTC without fractional seconds. */
export function normaliseDate(value: unknown, field: string): string {
  const text = value instanceof Date ? value.toISOString() : value;
  if (typeof text !== 'string' || !ISO_DATETIME.test(text) || Number.isNaN(Date.parse(text)) || !isCalendarDate(text)) {
    throw new MalformedValueError(`${field} must be an ISO 8601 date-time`, { details: { pointer: `/${field}` } });
  }
  return new Date(text).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A short, log-safe rendering of a value that came from outside. */
export function safeLabel(value: unknown): string {
  return typeof value === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(value) ? value : '(invalid)';
}

/**
 * Checks an issuance request completely before anything is allocated:
 * envelope fields, ministry, type, authorisation, holder, dates and subject
 * against its JSON Schema (every violation at once).
 */
export async function prepareIssue(ctx: IssuerContext, request: IssueRequest): Promise<PreparedIssue> {
  if (request === null || typeof request !== 'object' || Array.isArray(request)) {
    throw new TypeError('issue request must be an object');
  }
  for (const key of Object.keys(request)) {
    if (!ALLOWED_KEYS.has(key)) {
      throw new VneidError('FORBIDDEN_FIELD', `the caller cannot set ${key.slice(0, 40)}`, {
        details: { field: key.slice(0, 40) },
      });
    }
  }
  const ministry = requireMinistry(ctx, request.ministry);
  const definition = getCredentialType(request.type);
  if (definition.issuerRole !== ministry.role) {
    throw new VneidError('ISSUER_NOT_AUTHORIZED', `${ministry.slug} may not issue ${definition.type}`, {
      details: { ministry: ministry.slug, type: definition.type },
    });
  }
  const raw = request.subject;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new MalformedValueError('subject must be an object', { details: { pointer: '/credentialSubject' } });
  }
  assertSafeJson(raw);
  const { id: subjectId, ...claims } = raw;
  if (request.holder !== undefined && subjectId !== undefined && request.holder !== subjectId) {
    throw new MalformedValueError('holder and credentialSubject.id differ', {
      details: { pointer: '/credentialSubject/id' },
    });
  }
  const holder = request.holder ?? subjectId;
  if (holder !== undefined) {
    try {
      if (typeof holder !== 'string') throw new TypeError('not a string');
      await resolveDidKey(holder);
    } catch (cause) {
      throw new MalformedValueError('holder must be a did:key of an Ed25519 or P-256 key', {
        cause,
        details: { pointer: '/credentialSubject/id' },
      });
    }
  }
  const subject = holder === undefined ? claims : { id: holder, ...claims };
  assertValidSubject(definition.type, subject);
  const suite = request.suite ?? 'ecdsa-sd-2023';
  if (!isCryptosuiteName(suite)) {
    throw new MalformedValueError('unsupported cryptosuite', { details: { suite: safeLabel(suite) } });
  }
  const validFrom = normaliseDate(request.validFrom ?? ctx.now(), 'validFrom');
  const validUntil =
    request.validUntil === undefined
      ? documentExpiry(definition.expiryField, subject)
      : normaliseDate(request.validUntil, 'validUntil');
  checkValidityPeriod(ctx, { validFrom, ...(validUntil ? { validUntil } : {}) });
  const keyType = keyTypeFor(ministry, suite, request.keyType);
  return { ministry, definition, subject, suite, keyType, validFrom, ...(validUntil ? { validUntil } : {}) };
}

// The credential ends with the document: the end of its expiry day, in Vietnam (UTC+7).
function documentExpiry(field: string | undefined, subject: Record<string, unknown>): string | undefined {
  const value = field === undefined ? undefined : subject[field];
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  return new Date(Date.parse(`${value}T23:59:59+07:00`)).toISOString().replace('.000Z', 'Z');
}

function statusEntry(ctx: IssuerContext, purpose: 'revocation' | 'suspension', slot: StatusSlot): JsonObject {
  const list = statusListUrl(ctx, slot.listId);
  return {
    id: `${list}#${slot.index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: purpose,
    statusListIndex: String(slot.index),
    statusListCredential: list,
  };
}

/** The revocation and suspension entries of reserved slots. */
export function statusEntries(
  ctx: IssuerContext,
  slots: { revocation: StatusSlot; suspension: StatusSlot },
): JsonObject[] {
  return [statusEntry(ctx, 'revocation', slots.revocation), statusEntry(ctx, 'suspension', slots.suspension)];
}

/** The unsigned credential (VCDM 2.0) for a prepared request and its reserved status slots. */
export function buildCredential(
  ctx: IssuerContext,
  p: PreparedIssue,
  slots: { revocation: StatusSlot; suspension: StatusSlot },
): JsonObject {
  const credential: JsonObject = {
    '@context': [CREDENTIALS_V2_CONTEXT_URL, p.definition.contextUrl],
    id: `urn:uuid:${randomUUID()}`,
    type: ['VerifiableCredential', p.definition.type],
    issuer: p.ministry.did,
    validFrom: p.validFrom,
    ...(p.validUntil ? { validUntil: p.validUntil } : {}),
    credentialSchema: credentialSchemaFor(p.definition.type),
    credentialSubject: p.subject,
    credentialStatus: statusEntries(ctx, slots),
  };
  return credential;
}

// The mandatory pointers of an ecdsa-sd-2023 base credential: core's, its one home.
export { mandatoryPointersFor };

/** {@link prepareIssue}, with a refusal written to the audit log before it is thrown. */
export async function prepareOrRefuse(ctx: IssuerContext, request: IssueRequest): Promise<PreparedIssue> {
  try {
    return await prepareIssue(ctx, request);
  } catch (error) {
    await auditRefusal(ctx, request, error);
    throw error;
  }
}

/** Records a refused request in the audit log (durably): the code and field pointers only, never values. */
export async function auditRefusal(ctx: IssuerContext, request: unknown, error: unknown): Promise<void> {
  // Not a refusal: the storage cannot write, so nothing can be audited; the caller gets that error.
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'STORAGE_WRITE_FAILED' || code === 'STORAGE_UNAVAILABLE') return;
  const r = (request ?? {}) as Record<string, unknown>;
  const e = toVneidError(error, 'MALFORMED_VALUE_ERROR', 'refused');
  const violations = (e.details?.violations as Array<{ pointer?: unknown; code?: unknown }> | undefined) ?? [];
  const data: Record<string, unknown> = {
    ministry: safeLabel(r.ministry),
    type: safeLabel(r.type),
    code: error instanceof TypeError ? 'TYPE_ERROR' : e.code,
  };
  if (violations.length > 0) {
    data.violations = violations.slice(0, 64).map((v) => ({ pointer: String(v.pointer), code: String(v.code) }));
  }
  await ctx.storage.appendAudit({ event: 'issue-refused', data });
}

export type Signer = (job: SignJob, key: KeyPair) => Promise<JsonObject>;

/** An idempotency key checked, with the digest of the request it came with. */
export interface Idempotency {
  key: string;
  requestDigest: string;
}

function reused(): VneidError {
  return new VneidError(
    'IDEMPOTENCY_KEY_REUSED',
    'this idempotency key was used for a different request of this ministry',
    { details: { field: 'idempotencyKey' } },
  );
}

/**
 * Splits the idempotency key off a request. The digest covers the rest of
 * the request as sent (dates as JSON), so the same key with other content is refused.
 *
 * @throws {MalformedValueError} for a key that is not 1–200 visible ASCII characters.
 */
export function splitIdempotency(request: IssueRequest): { request: IssueRequest; idempotency?: Idempotency } {
  if (request === null || typeof request !== 'object' || !Object.hasOwn(request, 'idempotencyKey')) {
    return { request };
  }
  const { idempotencyKey: key, ...rest } = request;
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    throw new MalformedValueError('idempotencyKey must be 1 to 200 visible ASCII characters', {
      details: { pointer: '/idempotencyKey' },
    });
  }
  const requestDigest = jsonDigest(JSON.parse(JSON.stringify(rest)) as Record<string, unknown>);
  return { request: rest, idempotency: { key, requestDigest } };
}

/**
 * The whole issuance of one request: idempotency first (a repeated key
 * returns the stored credential before anything is allocated or signed),
 * then validation (refusals audited), then {@link issuePrepared}.
 */
export async function issueRequest(ctx: IssuerContext, input: IssueRequest, sign: Signer): Promise<JsonObject> {
  const { request, idempotency } = splitIdempotency(input);
  if (idempotency && typeof request.ministry === 'string') {
    const stored = await ctx.storage.findIdempotent(request.ministry, idempotency.key);
    if (stored) {
      if (stored.requestDigest !== idempotency.requestDigest) throw reused();
      return stored.credential;
    }
  }
  const prepared = await prepareOrRefuse(ctx, request);
  return issuePrepared(ctx, prepared, sign, idempotency);
}

/**
 * Issues one prepared credential: reserve random status slots in the
 * storage and pick the key that signs at the proof's date, sign (possibly
 * in a worker), then record the issuance, its audit entry and its
 * idempotency key as one durable unit and return once it is committed. A
 * rotation that took the key's turn away from that date while it signed
 * voids the signature (the storage checks it when recording).
 */
export async function issuePrepared(
  ctx: IssuerContext,
  p: PreparedIssue,
  sign: Signer,
  idempotency?: Idempotency,
): Promise<JsonObject> {
  // The date first, then the key whose turn it is at that date (key-windows.ts).
  const created = ctx
    .now()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  const key = await signingKey(ctx, p.ministry.slug, p.keyType, Date.parse(created));
  const slots = await ctx.storage.reserveSlots(p.ministry.slug, allocationPolicy(ctx));
  const credential = buildCredential(ctx, p, slots);
  const job: SignJob = {
    credential,
    cryptosuite: p.suite,
    created,
    ...(p.suite === 'ecdsa-sd-2023' ? { mandatoryPointers: mandatoryPointersFor(credential) } : {}),
  };
  let signed: JsonObject;
  try {
    signed = await sign(job, key);
  } catch (error) {
    const e = toVneidError(error, 'PROOF_GENERATION_ERROR', 'could not sign');
    await ctx.storage.appendAudit({
      event: 'issue-failed',
      data: { ministry: p.ministry.slug, type: p.definition.type, code: e.code },
    });
    throw e;
  }
  const record: IssuanceRecord = {
    id: credential.id as string,
    type: p.definition.type,
    ministry: p.ministry.slug,
    keyId: key.id,
    cryptosuite: p.suite,
    issuedAt: job.created,
    subjectDigest: jsonDigest(p.subject),
    status: slots,
    state: 'active',
  };
  const taken = await ctx.storage.recordIssuance({
    record,
    audit: {
      event: 'issued',
      data: {
        credentialId: record.id,
        type: record.type,
        ministry: record.ministry,
        keyId: record.keyId,
        cryptosuite: record.cryptosuite,
        status: slots,
      },
    },
    ...(idempotency ? { idempotency: { ...idempotency, credential: signed } } : {}),
  });
  if (taken) {
    // A concurrent call with the same key won: its credential is the one.
    if (idempotency && taken.requestDigest !== idempotency.requestDigest) throw reused();
    return taken.credential;
  }
  return signed;
}
