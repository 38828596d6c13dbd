import {
  CREDENTIALS_V2_CONTEXT_URL,
  canonize,
  createDocumentLoader,
  deriveCredential,
  generateKeyPair,
  mandatoryPointersFor,
  signCredential,
  verifyCredentialProof,
} from '@vneid/core';
import test from 'ava';
import {
  AGE_THRESHOLDS,
  type AgeAttestationSubject,
  ageAttestation,
  ageAttestationFixture,
  assertValidSubject,
  credentialSchemaFor,
  getCredentialType,
  labelFor,
  listCredentialTypes,
  registeredContexts,
  VNEID_VOCAB_BASE,
  validateSubject,
  valueLabelFor,
} from '../src/index.js';
import { codes } from './helpers.js';

const documentLoader = createDocumentLoader({ contexts: registeredContexts() });
const XSD_BOOLEAN = 'http://www.w3.org/2001/XMLSchema#boolean';

test('AgeAttestation is registered on import, after the four document types, for the Ministry of Public Security', (t) => {
  t.is(getCredentialType('AgeAttestation'), ageAttestation as unknown as ReturnType<typeof getCredentialType>);
  t.is(
    listCredentialTypes().findIndex((d) => d.type === 'AgeAttestation'),
    4,
  );
  t.is(ageAttestation.issuerRole, 'MinistryOfPublicSecurity');
  t.is(ageAttestation.contextUrl, 'https://vneid.gov.vn/credentials/age-attestation/v1');
  t.deepEqual(credentialSchemaFor('AgeAttestation'), {
    id: 'https://vneid.gov.vn/credentials/age-attestation/schema/v1.json',
    type: 'JsonSchema',
  });
  t.deepEqual([...AGE_THRESHOLDS], [13, 16, 18]);
});

test('the age terms are xsd:boolean in the vocabulary', (t) => {
  const terms = (ageAttestation.context as { '@context': Record<string, unknown> })['@context'];
  for (const n of AGE_THRESHOLDS) {
    t.deepEqual(terms[`ageOver${n}`], { '@id': `${VNEID_VOCAB_BASE}ageOver${n}`, '@type': XSD_BOOLEAN });
  }
});

test('labels are bilingual, Vietnamese with diacritics', (t) => {
  t.is(labelFor('AgeAttestation', '', 'vi'), 'Chứng nhận độ tuổi');
  t.is(labelFor('AgeAttestation', '', 'en'), 'Age attestation');
  t.is(labelFor('AgeAttestation', '/ageOver16', 'vi'), 'Đủ 16 tuổi trở lên');
  t.is(labelFor('AgeAttestation', '/ageOver16', 'en'), 'Aged 16 or over');
  t.is(valueLabelFor('AgeAttestation', '/ageOver16', 'true', 'vi'), 'Có');
  t.is(valueLabelFor('AgeAttestation', '/ageOver18', 'false', 'en'), 'No');
});

test('the fixture and a 16-year-old are valid; the subject type is exact', (t) => {
  t.true(validateSubject('AgeAttestation', ageAttestationFixture).valid);
  const teen: AgeAttestationSubject = { ageOver13: true, ageOver16: true, ageOver18: false };
  t.notThrows(() => assertValidSubject('AgeAttestation', teen));
  // @ts-expect-error the claims are booleans
  const wrong: AgeAttestationSubject = { ageOver13: 'yes', ageOver16: true, ageOver18: true };
  t.truthy(wrong);
});

test('a string instead of a boolean is TYPE (and ENUM); a missing threshold is REQUIRED; a birth date is ADDITIONAL_PROPERTY', (t) => {
  t.deepEqual(codes(validateSubject('AgeAttestation', { ...ageAttestationFixture, ageOver16: 'true' }).errors), [
    '/ageOver16 TYPE',
    '/ageOver16 ENUM',
  ]);
  const { ageOver13: _dropped, ...missing } = ageAttestationFixture;
  t.deepEqual(codes(validateSubject('AgeAttestation', missing).errors), ['/ageOver13 REQUIRED']);
  t.deepEqual(
    codes(validateSubject('AgeAttestation', { ...ageAttestationFixture, dateOfBirth: '2008-01-01' }).errors),
    ['/dateOfBirth ADDITIONAL_PROPERTY'],
  );
});

test('over 18 but not over 16 is INVALID_VALUE at /ageOver16 (thresholds are monotonic)', (t) => {
  const subject = { ageOver13: true, ageOver16: false, ageOver18: true };
  t.deepEqual(codes(validateSubject('AgeAttestation', subject).errors), ['/ageOver16 INVALID_VALUE']);
  const error = t.throws(() => assertValidSubject('AgeAttestation', subject));
  t.is((error as { code?: string }).code, 'SCHEMA_VALIDATION_ERROR');
});

function credentialOf(issuer: string, subject: Record<string, unknown>) {
  return {
    '@context': [CREDENTIALS_V2_CONTEXT_URL, ageAttestation.contextUrl],
    id: 'urn:uuid:4b0a9a4e-5a7c-4a53-9e0d-0d7f8f3c2b11',
    type: ['VerifiableCredential', 'AgeAttestation'],
    issuer,
    validFrom: '2026-11-01T00:00:00Z',
    validUntil: '2026-12-01T00:00:00Z',
    credentialSchema: credentialSchemaFor('AgeAttestation'),
    credentialSubject: subject,
  };
}

test('booleans canonicalize as xsd:boolean literals in safe mode', async (t) => {
  const nquads = await canonize(credentialOf('did:example:issuer', { ...ageAttestationFixture }), { documentLoader });
  t.true(nquads.includes(`<${VNEID_VOCAB_BASE}ageOver16> "true"^^<${XSD_BOOLEAN}>`));
});

test('ecdsa-sd-2023: disclosing only ageOver16 verifies and hides the other thresholds; a flipped claim does not verify', async (t) => {
  const key = await generateKeyPair({ keyType: 'P-256' });
  const holder = await generateKeyPair({ keyType: 'Ed25519' });
  const credential = credentialOf(key.controller, {
    id: holder.controller,
    ageOver13: true,
    ageOver16: true,
    ageOver18: false,
  });
  const signed = await signCredential({
    credential,
    key,
    cryptosuite: 'ecdsa-sd-2023',
    documentLoader,
    mandatoryPointers: mandatoryPointersFor(credential),
  });
  const derived = await deriveCredential({
    credential: signed,
    selectivePointers: ['/credentialSubject/ageOver16'],
    documentLoader,
  });
  t.deepEqual(derived.credentialSubject, { id: holder.controller, ageOver16: true });
  t.true((await verifyCredentialProof({ credential: derived, documentLoader })).verified);
  const forged = structuredClone(derived);
  (forged.credentialSubject as Record<string, unknown>).ageOver16 = false;
  const outcome = await verifyCredentialProof({ credential: forged, documentLoader });
  t.false(outcome.verified);
  t.is(outcome.error?.code, 'PROOF_VERIFICATION_ERROR');
});
