import { randomUUID } from 'node:crypto';
import {
  assertSafeJson,
  CREDENTIALS_V2_CONTEXT_URL,
  type CryptosuiteName,
  isCryptosuiteName,
  type JsonObject,
  jsonDigest,
  KEY_TYPE_OF_SUITE,
  type KeyPair,
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
import { reserveSlots } from './allocation.js';
import { queueAudited } from './audit.js';
import { type IssuerContext, statusListUrl } from './context.js';
import { StorageWriteError } from './group-commit.js';
import { requireMinistry, signingKeyLocked } from './keys.js';
import type { SignJob } from './sign.js';
import type { IssuanceRecord, MinistryRecord, StatusSlot } from './types.js';

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
}

const ALLOWED_KEYS = new Set(['ministry', 'type', 'subject', 'validFrom', 'validUntil', 'holder', 'suite']);
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export interface PreparedIssue {
  ministry: MinistryRecord;
  definition: CredentialTypeDefinition;
  subject: Record<string, unknown>;
  suite: CryptosuiteName;
  validFrom: string;
  validUntil?: string;
}

/** An ISO 8601 date-time, normalised to UTC without fractional seconds. */
export function normaliseDate(value: unknown, field: string): string {
  const text = value instanceof Date ? value.toISOString() : value;
  if (typeof text !== 'string' || !ISO_DATETIME.test(text) || Number.isNaN(Date.parse(text))) {
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
  if (validUntil !== undefined && Date.parse(validUntil) <= Date.parse(validFrom)) {
    throw new MalformedValueError('validUntil must be after validFrom', { details: { pointer: '/validUntil' } });
  }
  return { ministry, definition, subject, suite, validFrom, ...(validUntil ? { validUntil } : {}) };
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
    credentialStatus: [
      statusEntry(ctx, 'revocation', slots.revocation),
      statusEntry(ctx, 'suspension', slots.suspension),
    ],
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
  // Not a refusal: the writer has stopped, so nothing can be audited; the caller gets that error.
  if (error instanceof StorageWriteError) return;
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
  // Queued in the mutex (chain order), synced outside it with whatever else is queued.
  const { durable } = await ctx.lock(async () => queueAudited(ctx, 'issue-refused', data));
  await durable;
}

export type Signer = (job: SignJob, key: KeyPair) => Promise<JsonObject>;

/**
 * Issues one prepared credential: reserve slots and pick the key (in the
 * mutex), sign (outside it, possibly in a worker), then queue record,
 * allocation and audit entry as one unit of the writer (in the mutex, so in
 * chain order) and return once the synced batch holding them is on disk.
 * The mutex is not held during the sync, so concurrent issues share one
 * batch (group commit). A key retired while signing voids the signature.
 */
export async function issuePrepared(ctx: IssuerContext, p: PreparedIssue, sign: Signer): Promise<JsonObject> {
  const keyType = KEY_TYPE_OF_SUITE[p.suite];
  const { key, slots, allocOps } = await ctx.lock(async () => {
    const key = await signingKeyLocked(ctx, p.ministry.slug, keyType);
    const { slots, ops } = reserveSlots(ctx, p.ministry.slug);
    return { key, slots, allocOps: ops };
  });
  const credential = buildCredential(ctx, p, slots);
  const job: SignJob = {
    credential,
    cryptosuite: p.suite,
    created: ctx
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z'),
    ...(p.suite === 'ecdsa-sd-2023' ? { mandatoryPointers: mandatoryPointersFor(credential) } : {}),
  };
  let signed: JsonObject;
  try {
    signed = await sign(job, key);
  } catch (error) {
    const e = toVneidError(error, 'PROOF_GENERATION_ERROR', 'could not sign');
    const { durable } = await ctx.lock(async () =>
      queueAudited(ctx, 'issue-failed', { ministry: p.ministry.slug, type: p.definition.type, code: e.code }),
    );
    await durable;
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
  const { durable } = await ctx.lock(async () => {
    // Checked in the mutex: a rotation holds it until the retirement is durable and in memory.
    const stillActive = ctx.ministries.get(p.ministry.slug)?.keys.find((k) => k.id === key.id);
    if (!stillActive || stillActive.validUntil !== undefined) {
      throw new VneidError('KEY_RETIRED', 'the signing key was retired while this credential was being signed');
    }
    return queueAudited(
      ctx,
      'issued',
      {
        credentialId: record.id,
        type: record.type,
        ministry: record.ministry,
        keyId: record.keyId,
        cryptosuite: record.cryptosuite,
        status: slots,
      },
      [{ type: 'put', sublevel: ctx.db.records, key: record.id, value: record }, ...allocOps],
    );
  });
  // Nothing is returned before the batch holding the record is synced.
  await durable;
  return signed;
}
