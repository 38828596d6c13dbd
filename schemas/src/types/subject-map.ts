import type { CitizenIdentityCardSubject } from './citizen-identity-card.js';
import type { DrivingLicenceSubject } from './driving-licence.js';
import type { HealthInsuranceCardSubject } from './health-insurance-card.js';
import type { UniversityDegreeSubject } from './university-degree.js';

/**
 * Built-in type name → subject type, so that `assertValidSubject('DrivingLicence', x)`
 * narrows `x` to {@link DrivingLicenceSubject}.
 */
export interface CredentialSubjectMap {
  CitizenIdentityCard: CitizenIdentityCardSubject;
  DrivingLicence: DrivingLicenceSubject;
  UniversityDegree: UniversityDegreeSubject;
  HealthInsuranceCard: HealthInsuranceCardSubject;
}
