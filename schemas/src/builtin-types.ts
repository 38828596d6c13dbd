/*
 * Registers the four built-in document types when the package is imported, so
 * issuer, wallet and verifier see them without setup.
 */
import { registerCredentialType } from './registry.js';
import { ageAttestation } from './types/age-attestation.js';
import { citizenIdentityCard } from './types/citizen-identity-card.js';
import { drivingLicence } from './types/driving-licence.js';
import { healthInsuranceCard } from './types/health-insurance-card.js';
import { universityDegree } from './types/university-degree.js';

registerCredentialType(citizenIdentityCard);
registerCredentialType(drivingLicence);
registerCredentialType(universityDegree);
registerCredentialType(healthInsuranceCard);
// Registered after the four document types, so their order (and index) stays as it was.
registerCredentialType(ageAttestation);
