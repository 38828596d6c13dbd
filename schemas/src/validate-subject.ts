import { SchemaValidationError } from '@vneid/core';
import { toViolations } from './lib/ajv.js';
import { lookup } from './registry.js';
import type { CredentialSubjectMap } from './types/subject-map.js';
import type { Violation } from './violation.js';

/** The outcome of {@link validateSubject}: every violation, never only the first. */
export interface SubjectValidationResult {
  valid: boolean;
  errors: Violation[];
}

/** The subject type of a registered type name: precise for the built-in types, a plain record otherwise. */
export type SubjectOf<T extends string> = T extends keyof CredentialSubjectMap
  ? CredentialSubjectMap[T]
  : Record<string, unknown>;

/**
 * Checks a `credentialSubject` against its type's JSON Schema 2020-12 and
 * semantic rules and reports every violation with its field pointer and code.
 * Bad data is reported, not thrown (STYLE §5).
 *
 * @example
 * validateSubject('CitizenIdentityCard', { ...fixtures.CitizenIdentityCard, sex: 'male' }).errors
 * // [{ pointer: '/personalIdentificationNumber', code: 'PIN_CENTURY_SEX_MISMATCH', … }]
 * @throws UnknownCredentialTypeError UNKNOWN_CREDENTIAL_TYPE when `type` is not registered.
 */
export function validateSubject(type: string, subject: unknown): SubjectValidationResult {
  const { definition, validate } = lookup(type);
  const errors = validate(subject) ? [] : toViolations(validate.errors ?? []);
  if (definition.rules !== undefined && typeof subject === 'object' && subject !== null && !Array.isArray(subject)) {
    errors.push(...definition.rules(subject as Record<string, unknown>));
  }
  return { valid: errors.length === 0, errors };
}

/**
 * Like {@link validateSubject} but throws, for the issuer: a credential is
 * never signed over an invalid subject.
 *
 * @example
 * assertValidSubject('DrivingLicence', request.credentialSubject) // narrows to DrivingLicenceSubject
 * @throws SchemaValidationError SCHEMA_VALIDATION_ERROR with `details: { type, violations }` listing every bad field.
 * @throws UnknownCredentialTypeError UNKNOWN_CREDENTIAL_TYPE when `type` is not registered.
 */
export function assertValidSubject<T extends string>(type: T, subject: unknown): asserts subject is SubjectOf<T> {
  const { valid, errors } = validateSubject(type, subject);
  if (!valid) {
    throw new SchemaValidationError(`${type} credentialSubject has ${errors.length} violation(s)`, {
      details: { type, violations: errors },
    });
  }
}
