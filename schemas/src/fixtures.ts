import { citizenIdentityCardFixture } from './types/citizen-identity-card.js';
import { drivingLicenceFixture } from './types/driving-licence.js';
import { healthInsuranceCardFixture } from './types/health-insurance-card.js';
import type { CredentialSubjectMap } from './types/subject-map.js';
import { universityDegreeFixture } from './types/university-degree.js';

/**
 * A valid synthetic subject of each built-in type (frozen; copy before
 * changing). The citizen identity card, driving licence and health insurance
 * card belong to the same person and share one personal identification number.
 * For tests and demos only; never reachable from a production path.
 *
 * @example
 * validateSubject('DrivingLicence', fixtures.DrivingLicence).valid // true
 */
export const fixtures: { readonly [T in keyof CredentialSubjectMap]: CredentialSubjectMap[T] } = {
  CitizenIdentityCard: citizenIdentityCardFixture,
  DrivingLicence: drivingLicenceFixture,
  UniversityDegree: universityDegreeFixture,
  HealthInsuranceCard: healthInsuranceCardFixture,
};
