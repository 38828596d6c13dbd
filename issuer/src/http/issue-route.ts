import { type KeyType, MalformedValueError, VneidError } from '@vneid/core';
import { getCredentialType, isRegisteredType } from '@vneid/schemas';
import type { Request, Response } from 'express';
import type { Issuer } from '../create-issuer.js';
import type { IssueRequest } from '../lib/issue-core.js';

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

// Envelope fields the caller may send; every other credential field is passed
// on to the library, which refuses it as FORBIDDEN_FIELD and audits the refusal.
const ENVELOPE = new Set(['@context', 'type', 'credentialSubject', 'validFrom', 'validUntil']);
/** Fields of the library's issue request that only the API key and `options` may set. */
const REQUEST_CONTROLS = new Set([
  'ministry',
  'subject',
  'holder',
  'suite',
  'keyType',
  'mandatoryPointers',
  'idempotencyKey',
]);

/** What one VNeID issue body asks for: a citizen type through {@link Issuer.issue} or a general credential. */
export type PlannedIssue =
  | { kind: 'typed'; type: string; request: IssueRequest }
  | { kind: 'general'; type: 'general'; request: Parameters<Issuer['issueGeneral']>[0] };

/**
 * Checks a W3C VC API issue body `{ credential, options }` for `ministry`
 * (the API key's) and builds the library request, without issuing: the
 * single endpoint and each item of a batch go through it, so both refuse
 * the same things. `onType` hears the credential type as soon as it is
 * known (for metrics, also when the body is refused afterwards).
 */
export function planIssue(
  issuer: Issuer,
  ministry: string,
  body: unknown,
  idempotencyKey: string | undefined,
  onType: (type: string) => void = () => undefined,
  onCrossMinistry: () => void = () => undefined,
): PlannedIssue {
  if (!isObject(body) || !isObject(body.credential)) {
    throw new MalformedValueError('body must be { credential, options? }', { details: { pointer: '/credential' } });
  }
  const options = body.options ?? {};
  if (!isObject(options))
    throw new MalformedValueError('options must be an object', { details: { pointer: '/options' } });
  if (options.ministry !== undefined && options.ministry !== ministry) {
    onCrossMinistry();
    throw new VneidError('FORBIDDEN', 'this API key cannot issue for another ministry');
  }
  const credential = body.credential;
  // General credentials may have an array of subjects (checked by issueGeneral); our types have one.
  const subject = credential.credentialSubject;
  if (!isObject(subject) && !(Array.isArray(subject) && subject.length > 0)) {
    throw new MalformedValueError('credential.credentialSubject is required', {
      details: { pointer: '/credential/credentialSubject' },
    });
  }
  const types = typeof credential.type === 'string' ? [credential.type] : credential.type;
  if (!Array.isArray(types) || types.length === 0 || types.length > 8 || !types.every((t) => typeof t === 'string')) {
    throw new MalformedValueError('credential.type must be a list of type names', {
      details: { pointer: '/credential/type' },
    });
  }
  const ours = (types as string[]).filter((t) => t !== 'VerifiableCredential' && isRegisteredType(t));
  const suite = options.suite as IssueRequest['suite'];
  // For metrics and the access log, also when the request is refused below: a registered name or "general", never free text.
  onType(ours[0] ?? 'general');
  if (ours.length > 1)
    throw new MalformedValueError('a credential has one document type', { details: { pointer: '/credential/type' } });
  if (ours.length === 0 && issuer.getMinistry(ministry).allowGeneralCredentials) {
    if (idempotencyKey !== undefined) {
      throw new MalformedValueError('Idempotency-Key is supported for document types only', {
        details: { header: 'Idempotency-Key' },
      });
    }
    return {
      kind: 'general',
      type: 'general',
      request: {
        ministry,
        credential,
        ...(suite !== undefined ? { suite } : {}),
        ...(options.keyType !== undefined ? { keyType: options.keyType as KeyType } : {}),
        ...(options.mandatoryPointers !== undefined
          ? { mandatoryPointers: options.mandatoryPointers as string[] }
          : {}),
        ...(options.credentialStatus !== undefined
          ? { credentialStatus: options.credentialStatus as { type: string } }
          : {}),
      },
    };
  }
  // The library types a document credential itself: any other name here would be dropped unsigned, silently.
  if (ours[0] && (types as string[]).some((t) => t !== 'VerifiableCredential' && t !== ours[0])) {
    throw new MalformedValueError(`a ${ours[0]} credential has no other type than VerifiableCredential`, {
      details: { pointer: '/credential/type' },
    });
  }
  if (!isObject(subject)) {
    throw new MalformedValueError('a document credential has one credentialSubject object', {
      details: { pointer: '/credential/credentialSubject' },
    });
  }
  const type = ours[0] ?? (types as string[]).find((t) => t !== 'VerifiableCredential') ?? '';
  const request: Record<string, unknown> = { ministry, type, subject };
  if (credential.validFrom !== undefined) request.validFrom = credential.validFrom;
  if (credential.validUntil !== undefined) request.validUntil = credential.validUntil;
  if (suite !== undefined) request.suite = suite;
  if (options.keyType !== undefined) request.keyType = options.keyType;
  // The citizen types' mandatory pointers are fixed by policy (MANDATORY_POINTERS).
  if (options.mandatoryPointers !== undefined) request.mandatoryPointers = options.mandatoryPointers;
  if (credential['@context'] !== undefined && ours[0]) {
    const expected = ['https://www.w3.org/ns/credentials/v2', getCredentialType(ours[0]).contextUrl];
    if (JSON.stringify(credential['@context']) !== JSON.stringify(expected))
      request['@context'] = credential['@context'];
  }
  // Other credential fields go to the library, which refuses (and audits)
  // `issuer`, `proof`, `credentialStatus`… But the request's own controls —
  // the ministry comes from the API key, never from the body — must not be
  // overridable through the credential: a BHXH key naming "bo-cong-an" here
  // would otherwise sign as the Ministry of Public Security.
  for (const [key, value] of Object.entries(credential)) {
    if (ENVELOPE.has(key)) continue;
    if (Object.hasOwn(request, key) || REQUEST_CONTROLS.has(key)) {
      throw new VneidError('FORBIDDEN_FIELD', `credential.${key.slice(0, 40)} is not a credential field`, {
        details: { pointer: `/credential/${key.slice(0, 40)}` },
      });
    }
    request[key] = value;
  }
  if (idempotencyKey !== undefined) request.idempotencyKey = idempotencyKey;
  return { kind: 'typed', type: ours[0] ?? 'general', request: request as unknown as IssueRequest };
}

/**
 * POST /credentials/issue (W3C VC API): `{ credential, options }` → 201
 * `{ verifiableCredential }`. The ministry is the API key's; a citizen type
 * goes through {@link Issuer.issue}, anything else through
 * {@link Issuer.issueGeneral} when the ministry allows it. An
 * `Idempotency-Key` header makes a retry safe: the same key and body return
 * the first credential (201 again, no second status index); the same key
 * with another body is 409 IDEMPOTENCY_KEY_REUSED.
 */
export function issueRoute(issuer: Issuer) {
  return async (req: Request, res: Response): Promise<void> => {
    const ministry = res.locals.ministry as string;
    const plan = planIssue(
      issuer,
      ministry,
      req.body as unknown,
      req.get('idempotency-key'),
      (type) => {
        res.locals.credentialType = type;
      },
      () => {
        res.locals.securityEvent = { kind: 'cross-ministry-refused', data: { action: 'issue' } };
      },
    );
    const verifiableCredential =
      plan.kind === 'general' ? await issuer.issueGeneral(plan.request) : await issuer.issue(plan.request);
    res.status(201).json({ verifiableCredential });
  };
}
