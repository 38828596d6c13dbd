import { hasCode, SchemaValidationError } from '@vneid/core';
import test from 'ava';
import { assertValidSubject, fixtures, getCredentialType, validateSubject } from '../src/index.js';
import { BUILT_IN_TYPES, codes, copyOf } from './helpers.js';

for (const type of BUILT_IN_TYPES) {
  test(`${type}: the fixture is valid`, (t) => {
    t.deepEqual(validateSubject(type, fixtures[type]), { valid: true, errors: [] });
  });

  test(`${type}: the fixture with a holder DID is valid`, (t) => {
    t.true(
      validateSubject(type, { ...fixtures[type], id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' })
        .valid,
    );
  });

  const schema = getCredentialType(type).subjectSchema as { required: string[] };
  for (const field of schema.required) {
    test(`${type}: a missing ${field} is reported at /${field}`, (t) => {
      const subject = copyOf(type);
      delete subject[field];
      t.deepEqual(codes(validateSubject(type, subject).errors), [`/${field} REQUIRED`]);
    });
  }

  test(`${type}: an unknown field is reported at its own pointer`, (t) => {
    t.deepEqual(codes(validateSubject(type, { ...fixtures[type], favouriteColour: 'đỏ' }).errors), [
      '/favouriteColour ADDITIONAL_PROPERTY',
    ]);
  });

  test(`${type}: the subject type is not accepted as a field`, (t) => {
    t.deepEqual(codes(validateSubject(type, { ...fixtures[type], type: type }).errors), ['/type ADDITIONAL_PROPERTY']);
  });

  test(`${type}: a holder id that is not a DID is a PATTERN violation`, (t) => {
    t.deepEqual(codes(validateSubject(type, { ...fixtures[type], id: 'https://example.com/me' }).errors), [
      '/id PATTERN',
    ]);
  });

  test(`${type}: a subject that is not an object is one TYPE violation`, (t) => {
    t.deepEqual(codes(validateSubject(type, [fixtures[type]]).errors), [' TYPE']);
    t.deepEqual(codes(validateSubject(type, null).errors), [' TYPE']);
  });

  test(`${type}: an oversized full name is capped by the schema`, (t) => {
    t.deepEqual(codes(validateSubject(type, { ...fixtures[type], fullName: 'A'.repeat(101) }).errors), [
      '/fullName MAX_LENGTH',
    ]);
  });
}

test('every violation is reported at once, not only the first', (t) => {
  const subject = {
    ...fixtures.CitizenIdentityCard,
    fullName: 42,
    dateOfBirth: '1978-02-30',
    sex: 'unknown',
    nickname: 'Khai',
  };
  delete (subject as Record<string, unknown>).nationality;
  const result = validateSubject('CitizenIdentityCard', subject);
  t.false(result.valid);
  t.deepEqual(codes(result.errors).sort(), [
    '/dateOfBirth FORMAT',
    '/fullName TYPE',
    '/nationality REQUIRED',
    '/nickname ADDITIONAL_PROPERTY',
    '/sex ENUM',
  ]);
});

test('schema violations and rule violations are reported together', (t) => {
  const subject = { ...fixtures.CitizenIdentityCard, sex: 'male', dateOfExpiry: '2020-01-01', placeOfResidence: '' };
  t.deepEqual(codes(validateSubject('CitizenIdentityCard', subject).errors), [
    '/placeOfResidence MIN_LENGTH',
    '/personalIdentificationNumber PIN_CENTURY_SEX_MISMATCH',
    '/dateOfExpiry DATE_ORDER',
  ]);
});

test('a name with a control or bidi-override character is refused', (t) => {
  t.deepEqual(
    codes(
      validateSubject('CitizenIdentityCard', { ...fixtures.CitizenIdentityCard, fullName: 'Nguyễn\u202eKhai' }).errors,
    ),
    ['/fullName PATTERN'],
  );
  t.deepEqual(
    codes(
      validateSubject('CitizenIdentityCard', { ...fixtures.CitizenIdentityCard, placeOfResidence: 'Hà Nội\u0000' })
        .errors,
    ),
    ['/placeOfResidence PATTERN'],
  );
});

test('an impossible calendar date is a FORMAT violation', (t) => {
  t.deepEqual(
    codes(validateSubject('HealthInsuranceCard', { ...fixtures.HealthInsuranceCard, coverageTo: '2031-02-29' }).errors),
    ['/coverageTo FORMAT'],
  );
});

test('CitizenIdentityCard: a card expiring before it was issued is DATE_ORDER at /dateOfExpiry', (t) => {
  const subject = { ...fixtures.CitizenIdentityCard, dateOfExpiry: fixtures.CitizenIdentityCard.dateOfIssue };
  t.deepEqual(codes(validateSubject('CitizenIdentityCard', subject).errors), ['/dateOfExpiry DATE_ORDER']);
});

test('CitizenIdentityCard: a card issued before its holder was born is DATE_ORDER at /dateOfIssue', (t) => {
  const subject = { ...fixtures.CitizenIdentityCard, dateOfIssue: '1977-01-01' };
  t.deepEqual(codes(validateSubject('CitizenIdentityCard', subject).errors), ['/dateOfIssue DATE_ORDER']);
});

test('CitizenIdentityCard: a face image that is not a small JPEG or PNG data URL is refused', (t) => {
  const gif = { ...fixtures.CitizenIdentityCard, faceImage: 'data:image/gif;base64,R0lGODlhAQABAAAAACw=' };
  t.deepEqual(codes(validateSubject('CitizenIdentityCard', gif).errors), ['/faceImage PATTERN']);
  const huge = { ...fixtures.CitizenIdentityCard, faceImage: `data:image/png;base64,${'A'.repeat(20000)}` };
  t.deepEqual(codes(validateSubject('CitizenIdentityCard', huge).errors), ['/faceImage MAX_LENGTH']);
  const digest = { ...fixtures.CitizenIdentityCard, faceImageDigest: 'md5-abc' };
  t.deepEqual(codes(validateSubject('CitizenIdentityCard', digest).errors), ['/faceImageDigest PATTERN']);
});

test('HealthInsuranceCard: coverage ending before it starts is DATE_ORDER at /coverageTo', (t) => {
  const subject = { ...fixtures.HealthInsuranceCard, coverageTo: '2025-12-31' };
  t.deepEqual(codes(validateSubject('HealthInsuranceCard', subject).errors), ['/coverageTo DATE_ORDER']);
});

test('HealthInsuranceCard: nested facility fields are checked and pointed at', (t) => {
  const subject = copyOf('HealthInsuranceCard');
  subject.initialHealthFacility = { facilityCode: '1001', extra: true };
  t.deepEqual(codes(validateSubject('HealthInsuranceCard', subject).errors), [
    '/initialHealthFacility/facilityName REQUIRED',
    '/initialHealthFacility/extra ADDITIONAL_PROPERTY',
    '/initialHealthFacility/facilityCode PATTERN',
  ]);
});

test('HealthInsuranceCard: a benefit level outside 1–5 is ENUM', (t) => {
  t.deepEqual(
    codes(validateSubject('HealthInsuranceCard', { ...fixtures.HealthInsuranceCard, benefitLevel: '6' }).errors),
    ['/benefitLevel ENUM'],
  );
});

test('DrivingLicence: a class listed twice is DUPLICATE_ITEM at the second one', (t) => {
  const subject = copyOf('DrivingLicence');
  subject.licenceClasses = [
    { licenceClass: 'B', dateOfExpiry: '2035-09-03' },
    { licenceClass: 'A1' },
    { licenceClass: 'B' },
  ];
  t.deepEqual(codes(validateSubject('DrivingLicence', subject).errors), [
    '/licenceClasses/2/licenceClass DUPLICATE_ITEM',
  ]);
});

test('DrivingLicence: a class expiring before the licence was issued is DATE_ORDER at that class', (t) => {
  const subject = copyOf('DrivingLicence');
  subject.licenceClasses = [{ licenceClass: 'A1' }, { licenceClass: 'B', dateOfExpiry: '2025-01-01' }];
  t.deepEqual(codes(validateSubject('DrivingLicence', subject).errors), ['/licenceClasses/1/dateOfExpiry DATE_ORDER']);
});

test('DrivingLicence: no class, an unknown class and a 13-digit number are each reported', (t) => {
  t.deepEqual(codes(validateSubject('DrivingLicence', { ...fixtures.DrivingLicence, licenceClasses: [] }).errors), [
    '/licenceClasses MIN_ITEMS',
  ]);
  const unknown = { ...fixtures.DrivingLicence, licenceClasses: [{ licenceClass: 'F' }] };
  t.deepEqual(codes(validateSubject('DrivingLicence', unknown).errors), ['/licenceClasses/0/licenceClass ENUM']);
  const long = { ...fixtures.DrivingLicence, licenceNumber: '0102500123456' };
  t.deepEqual(codes(validateSubject('DrivingLicence', long).errors).sort(), [
    '/licenceNumber MAX_LENGTH',
    '/licenceNumber PATTERN',
  ]);
});

test('DrivingLicence: more classes than exist is MAX_ITEMS', (t) => {
  const licenceClasses = Array.from({ length: 16 }, () => ({ licenceClass: 'A1' }));
  const errors = validateSubject('DrivingLicence', { ...fixtures.DrivingLicence, licenceClasses }).errors;
  t.true(codes(errors).includes('/licenceClasses MAX_ITEMS'));
});

test('UniversityDegree: graduating at 15 or younger is DATE_ORDER at /graduationYear', (t) => {
  t.deepEqual(
    codes(validateSubject('UniversityDegree', { ...fixtures.UniversityDegree, graduationYear: 2016 }).errors),
    ['/graduationYear DATE_ORDER'],
  );
  t.true(validateSubject('UniversityDegree', { ...fixtures.UniversityDegree, graduationYear: 2017 }).valid);
});

test('UniversityDegree: a graduation year out of range or not an integer is reported', (t) => {
  t.deepEqual(
    codes(validateSubject('UniversityDegree', { ...fixtures.UniversityDegree, graduationYear: 2101 }).errors),
    ['/graduationYear MAXIMUM'],
  );
  t.deepEqual(
    codes(validateSubject('UniversityDegree', { ...fixtures.UniversityDegree, graduationYear: '2024' }).errors),
    ['/graduationYear TYPE'],
  );
});

test('UniversityDegree: classification is required for an engineer but optional for a master', (t) => {
  const engineer = copyOf('UniversityDegree');
  delete engineer.classification;
  t.deepEqual(codes(validateSubject('UniversityDegree', engineer).errors), ['/classification REQUIRED']);
  t.true(validateSubject('UniversityDegree', { ...engineer, degreeTitle: 'master' }).valid);
});

test('assertValidSubject throws SCHEMA_VALIDATION_ERROR listing every bad field', (t) => {
  const error = t.throws(
    () =>
      assertValidSubject('HealthInsuranceCard', {
        ...fixtures.HealthInsuranceCard,
        sex: 'male',
        benefitLevel: '9',
        x: 1,
      }),
    { instanceOf: SchemaValidationError },
  );
  t.true(hasCode(error, 'SCHEMA_VALIDATION_ERROR'));
  t.is(error?.details?.type, 'HealthInsuranceCard');
  t.deepEqual(codes(error?.details?.violations as never), [
    '/x ADDITIONAL_PROPERTY',
    '/benefitLevel ENUM',
    '/personalIdentificationNumber PIN_CENTURY_SEX_MISMATCH',
  ]);
});

test('assertValidSubject passes a valid subject and narrows its type', (t) => {
  const subject: unknown = structuredClone(fixtures.DrivingLicence);
  assertValidSubject('DrivingLicence', subject);
  t.is(subject.licenceClasses[0]?.licenceClass, 'A1');
});

test('an unregistered type throws UNKNOWN_CREDENTIAL_TYPE rather than reporting', (t) => {
  const error = t.throws(() => validateSubject('PassportCard', {}));
  t.true(hasCode(error, 'UNKNOWN_CREDENTIAL_TYPE'));
  t.true(
    hasCode(
      t.throws(() => assertValidSubject('PassportCard', {})),
      'UNKNOWN_CREDENTIAL_TYPE',
    ),
  );
});

test('a type name inherited from Object.prototype is not a registered type', (t) => {
  t.true(
    hasCode(
      t.throws(() => validateSubject('constructor', {})),
      'UNKNOWN_CREDENTIAL_TYPE',
    ),
  );
});

test('a prototype-polluting key is just an unknown field', (t) => {
  const subject = JSON.parse(
    `{"__proto__": {"polluted": true}, ${JSON.stringify(fixtures.HealthInsuranceCard).slice(1)}`,
  );
  t.deepEqual(codes(validateSubject('HealthInsuranceCard', subject).errors), ['/__proto__ ADDITIONAL_PROPERTY']);
  t.is(({} as Record<string, unknown>).polluted, undefined);
});
