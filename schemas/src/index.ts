/**
 * @vneid/schemas — the VNeID citizen documents as W3C VC Data Model 2.0
 * credential types: JSON-LD contexts, JSON Schemas 2020-12, TypeScript types,
 * bilingual labels and a registry that makes document types data.
 *
 * @packageDocumentation
 */
import './builtin-types.js';

export { credentialTypeUrls, VNEID_CONTEXT_BASE, VNEID_HOST, VNEID_VOCAB_BASE } from './constants.js';
export { credentialJsonSchema } from './credential-json-schema.js';
export type {
  CredentialTypeDefinition,
  CredentialTypeLabels,
  IssuerRole,
  Lang,
  LocalizedText,
} from './definition.js';
export { fixtures } from './fixtures.js';
export { labelFor, valueLabelFor } from './labels.js';
export {
  personalIdentificationNumberField,
  validatePersonalIdentificationNumber,
} from './personal-identification-number.js';
export {
  credentialSchemaFor,
  disclosableFieldsFor,
  getCredentialType,
  isRegisteredType,
  listCredentialTypes,
  registerCredentialType,
  registeredContexts,
} from './registry.js';
export type { AgeAttestationSubject } from './types/age-attestation.js';
export { AGE_THRESHOLDS, ageAttestation, ageAttestationFixture } from './types/age-attestation.js';
export type { CitizenIdentityCardSubject } from './types/citizen-identity-card.js';
export { citizenIdentityCard, citizenIdentityCardFixture } from './types/citizen-identity-card.js';
export type { DrivingLicenceSubject } from './types/driving-licence.js';
export { drivingLicence, drivingLicenceFixture } from './types/driving-licence.js';
export type { HealthInsuranceCardSubject } from './types/health-insurance-card.js';
export { healthInsuranceCard, healthInsuranceCardFixture } from './types/health-insurance-card.js';
export type { CredentialSubjectMap } from './types/subject-map.js';
export type { UniversityDegreeSubject } from './types/university-degree.js';
export { universityDegree, universityDegreeFixture } from './types/university-degree.js';
export type { SubjectOf, SubjectValidationResult } from './validate-subject.js';
export { assertValidSubject, validateSubject } from './validate-subject.js';
export type { Violation, ViolationCode } from './violation.js';
export { VIOLATION_CODES } from './violation.js';
