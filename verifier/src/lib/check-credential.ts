import {
  CREDENTIALS_V1_CONTEXT_URL,
  countDisclosedStatements,
  idOf,
  type JsonObject,
  sdProofKind,
  singleProof,
  verifyCredentialProof,
} from '@vneid/core';
import {
  credentialSchemaFor,
  getCredentialType,
  isRegisteredType,
  type Violation,
  validateSubject,
} from '@vneid/schemas';
import { type CheckName, CREDENTIAL_CHECK_NAMES } from '../types.js';
import { disclosedClaims, valueAt } from './claims.js';
import { parseDateTime } from './dates.js';
import { keyWindowProblem } from './key-window.js';
import { NOT_REQUESTED } from './messages.js';
import type { Context } from './options.js';
import type { ReportBuilder } from './report.js';
import { checkStatusPurpose } from './status-check.js';
import { contextProblem } from './trust-view.js';

/** The checks reported for each credential, in order (their home is types.ts). */
export const CREDENTIAL_CHECKS: readonly CheckName[] = CREDENTIAL_CHECK_NAMES;

const NOT_APPLICABLE = { en: 'Not applicable.', vi: 'Không áp dụng.' };
const NOT_REACHED = { en: 'Not checked: an earlier check failed.', vi: 'Không kiểm tra: một bước trước đó không đạt.' };

// VCDM 1.1 names of the 2.0 validity claims.
const V1_NAMES: Readonly<Record<string, string>> = { '/validFrom': '/issuanceDate', '/validUntil': '/expirationDate' };

/** What the presentation checks need to know about a credential. */
export interface CheckedCredential {
  proofValid: boolean;
  types: string[];
  subject: Record<string, unknown> | undefined;
  issuerId: string | undefined;
}

function mainType(types: string[]): string {
  const specific = types.filter((t) => t !== 'VerifiableCredential');
  return specific.find(isRegisteredType) ?? specific[0] ?? 'VerifiableCredential';
}

/**
 * Runs every credential check on one credential and records them under
 * `target`. Order matters: contexts before any JSON-LD work; mandatory
 * claims before the proof; trust and policy only after. Never throws for
 * bad data. The input must already have passed the input limits.
 */
export async function checkCredential(
  input: unknown,
  target: string,
  ctx: Context,
  report: ReportBuilder,
): Promise<CheckedCredential> {
  const failed: CheckedCredential = { proofValid: false, types: [], subject: undefined, issuerId: undefined };
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    report.invalid(target, 'proof', 'MALFORMED_VALUE_ERROR', 'a credential must be a JSON object');
    report.skipRest(target, CREDENTIAL_CHECKS, NOT_REACHED);
    return failed;
  }
  const vc = input as JsonObject;

  const problem = contextProblem(vc, ctx.view, { inline: ctx.profile.inlineContexts });
  if (problem) {
    report.invalid(target, 'context', 'CONTEXT_NOT_ALLOWED', problem);
    report.skipRest(target, CREDENTIAL_CHECKS, NOT_REACHED);
    return failed;
  }
  report.valid(target, 'context');

  const types = (Array.isArray(vc.type) ? vc.type : [vc.type]).filter((t): t is string => typeof t === 'string');
  const type = mainType(types);
  const registered = isRegisteredType(type);
  const issuerId = idOf(vc.issuer);
  const subject =
    vc.credentialSubject && typeof vc.credentialSubject === 'object' && !Array.isArray(vc.credentialSubject)
      ? (vc.credentialSubject as Record<string, unknown>)
      : undefined;
  const result: CheckedCredential = { proofValid: false, types, subject, issuerId };

  // A VNeID credential without a claim its issuer makes mandatory was not
  // derived by an honest wallet: refuse before spending work on the proof.
  const v1 = Array.isArray(vc['@context']) && vc['@context'][0] === CREDENTIALS_V1_CONTEXT_URL;
  const required = [...(registered ? ctx.mandatoryClaims : ['/issuer', '/type']), ...profileClaims(type, ctx)].map(
    (p) => (v1 ? (V1_NAMES[p] ?? p) : p),
  );
  const missing = required.filter((p) => valueAt(vc, p) === undefined);
  if (missing.length > 0 || issuerId === undefined || !types.includes('VerifiableCredential')) {
    report.invalid(
      target,
      'proof',
      'MANDATORY_CLAIM_MISSING',
      `missing mandatory claims: ${missing.join(', ') || '/issuer or /type'}`,
    );
    report.skipRest(target, CREDENTIAL_CHECKS, NOT_REACHED);
    return result;
  }

  const proofs = proofsOf(vc, ctx);
  // The single proof (claim injection is named on it), or the first of a set.
  const proofObject = proofs?.[0];
  const vms = (proofs ?? []).map((p) => (typeof p.verificationMethod === 'string' ? p.verificationMethod : undefined));
  const sd = proofs?.some((p) => p.cryptosuite === 'ecdsa-sd-2023') === true;
  if (!report.wants('proof')) {
    report.skipped(target, 'proof', NOT_REQUESTED);
  } else if (!proofs) {
    const expected = ctx.profile.proofs === 'one' ? 'exactly one proof object' : 'a proof object or a set of them';
    report.invalid(target, 'proof', 'PROOF_VERIFICATION_ERROR', `a credential must carry ${expected}`);
  } else if (proofs.some((p) => p.cryptosuite === 'ecdsa-sd-2023' && sdProofKind(p.proofValue) === 'base')) {
    // The issuer's base proof reveals every claim and the HMAC key that
    // unlinks disclosures: a wallet must always derive.
    report.invalid(target, 'proof', 'BASE_PROOF_PRESENTED', 'an ecdsa-sd-2023 base proof was presented');
  } else {
    const outcome = await verifyCredentialProof({
      credential: vc,
      documentLoader: ctx.view.documentLoader,
      bindIssuer: false,
      strictProof: ctx.profile.canonicalProof,
      proofSets: ctx.profile.proofs === 'every' ? 'every' : 'refuse',
    });
    if (outcome.verified) {
      result.proofValid = true;
      report.valid(target, 'proof');
    } else if (proofs.length === 1 && proofObject && (await claimInjected(vc, proofObject, ctx))) {
      report.invalid(target, 'proof', 'CLAIM_INJECTED', 'a claim was added beside the disclosed ones');
    } else {
      const code = outcome.error?.code ?? 'PROOF_VERIFICATION_ERROR';
      report.invalid(target, 'proof', code, outcome.error?.message);
    }
  }

  // Trust: the issuer is in the bundle and a proof's key is one of its keys
  // (in a proof set, the others are co-signers whose proofs must verify too).
  const issuer = ctx.view.issuers.get(issuerId);
  const issuerKeys = (proofs ?? []).flatMap((p, i) => {
    const key = ctx.view.keyFor(vms[i], issuer?.id);
    return key ? [{ key, created: p.created }] : [];
  });
  const bundleKey = issuerKeys[0]?.key;
  const vm = vms.find((v) => ctx.view.keyFor(v, issuer?.id)) ?? vms[0];
  if (!report.wants('issuerTrusted')) report.skipped(target, 'issuerTrusted', NOT_REQUESTED);
  else if (bundleKey) report.valid(target, 'issuerTrusted');
  else if (ctx.policy === 'integrity-only' && !issuer && vms.some((v) => v?.split('#')[0] === issuerId)) {
    report.valid(target, 'issuerTrusted');
  } else {
    report.invalid(
      target,
      'issuerTrusted',
      'ISSUER_NOT_TRUSTED',
      issuer
        ? `key ${String(vm).slice(0, 200)} is not a key of ${issuerId} in the trust bundle`
        : `issuer ${issuerId.slice(0, 200)} is not in the trust bundle`,
    );
  }

  if (!report.wants('issuerAuthorized')) report.skipped(target, 'issuerAuthorized', NOT_REQUESTED);
  else if (!issuer) report.skipped(target, 'issuerAuthorized', NOT_APPLICABLE);
  else {
    // Every type the credential claims must be one the issuer may issue, and it
    // may be only one of our document types: the type shown, the schema applied
    // and the request matched all come from it, so a university must not slip a
    // CitizenIdentityCard in beside its UniversityDegree.
    const specific = types.filter((t) => t !== 'VerifiableCredential');
    const documentTypes = specific.filter(isRegisteredType);
    const unauthorised = specific.filter((t) => !issuer.credentialTypes.includes(t));
    if (documentTypes.length > 1) {
      report.invalid(
        target,
        'issuerAuthorized',
        'CREDENTIAL_TYPE_CONFLICT',
        `a credential has one document type, not ${documentTypes.join(' + ').slice(0, 200)}`,
      );
    } else if (specific.length === 0 || unauthorised.length > 0) {
      report.invalid(
        target,
        'issuerAuthorized',
        'ISSUER_NOT_AUTHORIZED',
        `${issuerId} may not issue ${(unauthorised[0] ?? type).slice(0, 100)}`,
      );
    } else {
      report.valid(target, 'issuerAuthorized');
    }
  }

  if (!report.wants('keyValid')) report.skipped(target, 'keyValid', NOT_REQUESTED);
  else if (!bundleKey) report.skipped(target, 'keyValid', NOT_APPLICABLE);
  else {
    const window = issuerKeys.map(({ key, created }) => keyWindowProblem(key, created)).find((w) => w);
    if (window) report.invalid(target, 'keyValid', window.code, window.detail);
    else report.valid(target, 'keyValid');
  }

  if (!report.wants('validityPeriod')) report.skipped(target, 'validityPeriod', NOT_REQUESTED);
  else checkValidity(vc, target, ctx, report);

  if (!report.wants('schema')) report.skipped(target, 'schema', NOT_REQUESTED);
  else if (!registered) report.skipped(target, 'schema', NOT_APPLICABLE);
  else checkSchema(vc, type, subject, sd, target, ctx, report);

  for (const purpose of ['revocation', 'suspension'] as const) {
    if (!report.wants(purpose)) {
      report.skipped(target, purpose, NOT_REQUESTED);
      continue;
    }
    const outcome = await checkStatusPurpose(vc.credentialStatus, purpose, {
      issuerId,
      cache: ctx.cache,
      view: ctx.view,
      now: ctx.now,
      maxAgeSeconds: ctx.statusMaxAgeSeconds,
    });
    if (outcome.result === 'skipped' && registered) {
      // Our issuers publish both purposes for every document: one without an
      // entry could never be revoked or suspended, so it is not accepted.
      report.invalid(target, purpose, 'STATUS_VERIFICATION_ERROR', `a VNeID credential must carry a ${purpose} entry`);
    } else if (outcome.result === 'skipped') report.skipped(target, purpose, NOT_APPLICABLE);
    else report.add(target, purpose, outcome.result, outcome.code, outcome.detail);
  }

  if (result.proofValid && subject) {
    report.credentials.push({
      type,
      issuer: { id: issuerId, name: issuer ? { ...issuer.name } : { en: issuerId, vi: issuerId } },
      claims: disclosedClaims(type, subject),
    });
  }
  return result;
}

function checkValidity(vc: JsonObject, target: string, ctx: Context, report: ReportBuilder): void {
  // VCDM 1.1 names the dates issuanceDate/expirationDate; 2.0 validFrom/validUntil.
  const v1 = Array.isArray(vc['@context']) && vc['@context'][0] === CREDENTIALS_V1_CONTEXT_URL;
  const fromRaw = v1 ? vc.issuanceDate : vc.validFrom;
  const untilRaw = v1 ? vc.expirationDate : vc.validUntil;
  const from = fromRaw === undefined ? undefined : parseDateTime(fromRaw);
  const until = untilRaw === undefined ? undefined : parseDateTime(untilRaw);
  if ((fromRaw !== undefined && from === undefined) || (untilRaw !== undefined && until === undefined)) {
    report.invalid(target, 'validityPeriod', 'MALFORMED_VALUE_ERROR', 'a validity date is malformed');
  } else if (from !== undefined && until !== undefined && from > until) {
    // VCDM 2.0 §4.9: an empty window is no window. Clock skew could otherwise
    // put "now" inside both ends of it; refused in every profile.
    report.invalid(target, 'validityPeriod', 'MALFORMED_VALUE_ERROR', 'validFrom is later than validUntil');
  } else if (from !== undefined && ctx.now + ctx.skewMs < from) {
    report.invalid(target, 'validityPeriod', 'CREDENTIAL_NOT_YET_VALID', `valid from ${String(fromRaw)}`);
  } else if (until !== undefined && ctx.now - ctx.skewMs > until) {
    report.invalid(target, 'validityPeriod', 'CREDENTIAL_EXPIRED', `expired at ${String(untilRaw)}`);
  } else {
    report.valid(target, 'validityPeriod');
  }
}

function checkSchema(
  vc: JsonObject,
  type: string,
  subject: Record<string, unknown> | undefined,
  derived: boolean,
  target: string,
  ctx: Context,
  report: ReportBuilder,
): void {
  if (!subject) {
    report.invalid(target, 'schema', 'SCHEMA_VALIDATION_ERROR', 'credentialSubject must be one object');
    return;
  }
  const expected = credentialSchemaFor(type);
  const declared = vc.credentialSchema as Record<string, unknown> | undefined;
  if (declared !== undefined && (declared?.id !== expected.id || declared?.type !== expected.type)) {
    report.invalid(target, 'schema', 'SCHEMA_VALIDATION_ERROR', `credentialSchema is not the ${type} schema`);
    return;
  }
  // A selective disclosure legitimately omits fields: check what is there
  // (types, patterns, rules), not what is required.
  const violations = validateSubject(type, subject).errors.filter((v) => !(derived && v.code === 'REQUIRED'));
  if (ctx.profile.birthDateBeforeNow) violations.push(...birthDateViolations(vc, subject, ctx));
  if (violations.length > 0) {
    const list = violations.map((v) => `${v.pointer || '/'} ${v.code}`).join(', ');
    report.invalid(target, 'schema', 'SCHEMA_VALIDATION_ERROR', `subject violations: ${list.slice(0, 300)}`);
  } else {
    report.valid(target, 'schema');
  }
}

// The proofs to verify under the profile: exactly one object, or (general) a
// non-empty set of objects; `undefined` when the shape is refused.
function proofsOf(vc: JsonObject, ctx: Context): JsonObject[] | undefined {
  if (ctx.profile.proofs === 'every' && Array.isArray(vc.proof)) {
    const all = vc.proof.every((p) => p && typeof p === 'object' && !Array.isArray(p));
    return all && vc.proof.length > 0 ? (vc.proof as JsonObject[]) : undefined;
  }
  const one = singleProof(vc);
  return one.ok ? [one.proof] : undefined;
}

// Claims the citizen-document profile adds to the mandatory ones, for our types.
function profileClaims(type: string, ctx: Context): string[] {
  if (!isRegisteredType(type)) return [];
  const claims: string[] = [];
  if (ctx.profile.subjectId) claims.push('/credentialSubject/id');
  // A document that expires on paper must expire as a credential too; one
  // without an expiry field (a degree) may be valid indefinitely.
  if (ctx.profile.expiryForExpiringTypes && getCredentialType(type).expiryField) claims.push('/validUntil');
  return claims;
}

// A birth date is in the past, whatever else a selective disclosure shows:
// the schema's rules compare it with other dates only when those are disclosed.
function birthDateViolations(vc: JsonObject, subject: Record<string, unknown>, ctx: Context): Violation[] {
  const born = subject.dateOfBirth;
  if (typeof born !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(born)) return [];
  // Dates without a zone: the earliest instant of that day anywhere (UTC+14).
  const earliest = Date.parse(`${born}T00:00:00+14:00`);
  const from = parseDateTime(vc.validFrom ?? vc.issuanceDate);
  const limits = [ctx.now + ctx.skewMs, ...(from === undefined ? [] : [from])];
  if (Number.isNaN(earliest) || limits.every((limit) => earliest <= limit)) return [];
  return [{ pointer: '/dateOfBirth', code: 'DATE_ORDER', message: 'dateOfBirth is after the credential was issued' }];
}

// Only on the failure path: name a failed derived proof precisely when the
// document shows more statements than the proof signs.
async function claimInjected(vc: JsonObject, proof: JsonObject, ctx: Context): Promise<boolean> {
  if (proof.cryptosuite !== 'ecdsa-sd-2023') return false;
  const counts = await countDisclosedStatements(vc, { documentLoader: ctx.view.documentLoader });
  return counts !== undefined && counts.shown > counts.covered;
}
