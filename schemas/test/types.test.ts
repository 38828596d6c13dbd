/*
 * Type-level tests of the public API: `tsc -p tsconfig.json` fails when a
 * subject type drifts from its schema. The runtime assertions only keep ava happy.
 */
import test from 'ava';
import {
  type CitizenIdentityCardSubject,
  type DrivingLicenceSubject,
  fixtures,
  type HealthInsuranceCardSubject,
  type SubjectOf,
  type UniversityDegreeSubject,
  VIOLATION_CODES,
  type ViolationCode,
} from '../src/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const expectType = <T extends true>(value: T) => value;

test('subject types are inferred from the schemas', (t) => {
  expectType<Equal<CitizenIdentityCardSubject['sex'], 'male' | 'female'>>(true);
  expectType<Equal<CitizenIdentityCardSubject['faceImage'], string | undefined>>(true);
  expectType<Equal<CitizenIdentityCardSubject['id'], string | undefined>>(true);
  expectType<Equal<DrivingLicenceSubject['licenceClasses'][number]['dateOfExpiry'], string | undefined>>(true);
  expectType<Equal<UniversityDegreeSubject['graduationYear'], number>>(true);
  expectType<
    Equal<UniversityDegreeSubject['classification'], 'excellent' | 'veryGood' | 'good' | 'average' | undefined>
  >(true);
  expectType<Equal<HealthInsuranceCardSubject['benefitLevel'], '1' | '2' | '3' | '4' | '5'>>(true);
  expectType<
    Equal<HealthInsuranceCardSubject['initialHealthFacility'], { facilityCode: string; facilityName: string }>
  >(true);
  expectType<Equal<SubjectOf<'DrivingLicence'>, DrivingLicenceSubject>>(true);
  expectType<Equal<SubjectOf<'FishingLicence'>, Record<string, unknown>>>(true);

  // @ts-expect-error sex is a closed list
  const wrongSex: CitizenIdentityCardSubject = { ...fixtures.CitizenIdentityCard, sex: 'Nữ' };
  // @ts-expect-error unknown fields are not part of the type
  const extra: HealthInsuranceCardSubject = { ...fixtures.HealthInsuranceCard, nickname: 'x' };
  // @ts-expect-error required fields are required
  const missing: UniversityDegreeSubject = { fullName: 'Lê Hoàng Nam' };
  t.truthy(wrongSex && extra && missing);
});

test('violation codes are a closed union', (t) => {
  const code: ViolationCode = 'PIN_PROVINCE_UNKNOWN';
  // @ts-expect-error not a violation code
  const wrong: ViolationCode = 'PIN_WRONG';
  t.true(VIOLATION_CODES.includes(code));
  t.false((VIOLATION_CODES as readonly string[]).includes(wrong));
  t.is(new Set(VIOLATION_CODES).size, VIOLATION_CODES.length);
});
