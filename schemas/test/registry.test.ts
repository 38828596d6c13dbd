import { hasCode } from '@vneid/core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import test from 'ava';
import {
  type CredentialTypeDefinition,
  citizenIdentityCard,
  credentialJsonSchema,
  credentialSchemaFor,
  disclosableFieldsFor,
  fixtures,
  getCredentialType,
  isRegisteredType,
  labelFor,
  listCredentialTypes,
  personalIdentificationNumberField as pin,
  registerCredentialType,
  registeredContexts,
  VNEID_CONTEXT_BASE,
  VNEID_VOCAB_BASE,
  validateSubject,
} from '../src/index.js';
import { fishingLicence } from './fixtures/fishing-licence.js';
import { BUILT_IN_TYPES, codes } from './helpers.js';

test('the four built-in types are registered on import, in order', (t) => {
  t.deepEqual(
    listCredentialTypes()
      .slice(0, 4)
      .map((d) => d.type),
    [...BUILT_IN_TYPES],
  );
  t.is(getCredentialType('CitizenIdentityCard'), citizenIdentityCard);
  t.deepEqual(
    BUILT_IN_TYPES.map((type) => getCredentialType(type).issuerRole),
    ['MinistryOfPublicSecurity', 'MinistryOfPublicSecurity', 'AccreditedUniversity', 'VietnamSocialSecurity'],
  );
});

test.before(() => {
  registerCredentialType(fishingLicence());
});

test('a fifth type registered as data validates subjects, with the shared PIN rule', (t) => {
  registerCredentialType(fishingLicence());
  t.true(
    validateSubject('FishingLicence', { personalIdentificationNumber: '046079000123', vesselNumber: 'QB-91234-TS' })
      .valid,
  );
  t.deepEqual(
    codes(
      validateSubject('FishingLicence', { personalIdentificationNumber: '003079000123', vesselNumber: 'x' }).errors,
    ),
    ['/vesselNumber PATTERN', '/personalIdentificationNumber PIN_PROVINCE_UNKNOWN'],
  );
  t.is(labelFor('FishingLicence', '/vesselNumber', 'vi'), 'Số đăng ký tàu cá');
  t.true(registeredContexts().has(`${VNEID_CONTEXT_BASE}fishing-licence/v1`));
  t.deepEqual(credentialSchemaFor('FishingLicence'), {
    id: `${VNEID_CONTEXT_BASE}fishing-licence/schema/v1.json`,
    type: 'JsonSchema',
  });

  // Registering an equal definition again is a no-op; a different one is a conflict.
  t.notThrows(() => registerCredentialType(fishingLicence()));
  const changed = fishingLicence();
  changed.issuerRole = 'SomeoneElse';
  const error = t.throws(() => registerCredentialType(changed));
  t.true(hasCode(error, 'CREDENTIAL_TYPE_CONFLICT'));
  t.is(getCredentialType('FishingLicence').issuerRole, 'MinistryOfAgricultureAndEnvironment');
});

test('re-registering a built-in type is idempotent; changing it is CREDENTIAL_TYPE_CONFLICT', (t) => {
  t.notThrows(() => registerCredentialType(citizenIdentityCard));
  // An equal copy (e.g. the same module loaded from src and from dist) is the same definition.
  t.notThrows(() =>
    registerCredentialType({ ...citizenIdentityCard, labels: structuredClone(citizenIdentityCard.labels) }),
  );
  const relabelled = {
    ...citizenIdentityCard,
    labels: { ...citizenIdentityCard.labels, type: { vi: 'CCCD', en: 'ID card' } },
  };
  t.true(
    hasCode(
      t.throws(() => registerCredentialType(relabelled)),
      'CREDENTIAL_TYPE_CONFLICT',
    ),
  );
});

test('a new type reusing a registered context URL is CREDENTIAL_TYPE_CONFLICT', (t) => {
  const copy = {
    ...fishingLicence(),
    type: 'FishingLicenceCopy',
    schemaUrl: `${VNEID_CONTEXT_BASE}other/schema/v1.json`,
  };
  copy.context = {
    '@context': {
      ...(fishingLicence().context as { '@context': object })['@context'],
      FishingLicenceCopy: 'https://vneid.gov.vn/vocab#FishingLicenceCopy',
    },
  };
  copy.contextUrl = citizenIdentityCard.contextUrl;
  t.true(
    hasCode(
      t.throws(() => registerCredentialType(copy)),
      'CREDENTIAL_TYPE_CONFLICT',
    ),
  );
});

test('registered definitions are frozen', (t) => {
  t.throws(
    () => {
      (citizenIdentityCard.labels.type as { vi: string }).vi = 'changed';
    },
    { instanceOf: TypeError },
  );
  t.throws(
    () => {
      (fixtures.CitizenIdentityCard as { fullName: string }).fullName = 'changed';
    },
    { instanceOf: TypeError },
  );
});

const defects: [string, (d: CredentialTypeDefinition) => CredentialTypeDefinition, string][] = [
  ['a lower-case type name', (d) => ({ ...d, type: 'fishing' }), 'PascalCase'],
  ['an http context URL', (d) => ({ ...d, contextUrl: 'http://example.com/ctx' }), 'contextUrl must be an https URL'],
  [
    'a context without the type term',
    (d) => ({ ...d, context: { '@context': { '@protected': true } } }),
    'must define the term BrokenLicence',
  ],
  [
    'a field without a term',
    (d) => ({
      ...d,
      context: { '@context': { '@protected': true, [d.type]: `${VNEID_VOCAB_BASE}${d.type}`, [pin.name]: pin.term } },
    }),
    '/vesselNumber have no term',
  ],
  [
    'a field without labels',
    (d) => ({ ...d, labels: { ...d.labels, fields: { '/id': { vi: 'Định danh', en: 'Identifier' } } } }),
    'has no vi and en label',
  ],
  [
    'a fixture failing its own schema',
    (d) => ({ ...d, fixture: { personalIdentificationNumber: '046079000123' } }),
    'fixture is invalid: /vesselNumber REQUIRED',
  ],
  [
    'a fixture failing its own rules',
    (d) => ({ ...d, fixture: { personalIdentificationNumber: '003079000123', vesselNumber: 'QB-91234-TS' } }),
    'fixture is invalid: /personalIdentificationNumber PIN_PROVINCE_UNKNOWN',
  ],
  [
    'a schema that allows unknown fields',
    (d) => ({ ...d, subjectSchema: { ...(d.subjectSchema as object), additionalProperties: true } }),
    'must not allow additional properties',
  ],
  [
    'a misspelt JSON Schema keyword',
    (d) => ({ ...d, subjectSchema: { ...(d.subjectSchema as object), requried: [] } }),
    'does not compile',
  ],
  [
    'a field named with a protected credentials v2 term',
    (d) => {
      const schema = d.subjectSchema as { properties: object };
      return {
        ...d,
        subjectSchema: { ...schema, properties: { ...schema.properties, name: { type: 'string', maxLength: 9 } } },
      };
    },
    '/name uses a name protected',
  ],
  ['a disclosable field that does not exist', (d) => ({ ...d, disclosableFields: ['nope'] }), 'disclosable field nope'],
];

for (const [what, mutate, reason] of defects) {
  test(`a definition with ${what} is refused with a TypeError`, (t) => {
    t.notThrows(() => validateSubject('FishingLicence', {}), 'the valid base type is registered');
    const error = t.throws(() => registerCredentialType(mutate(fishingLicence('BrokenLicence'))), {
      instanceOf: TypeError,
    });
    t.true(error?.message.includes(reason), error?.message);
    t.throws(() => getCredentialType('BrokenLicence'));
  });
}

test('unknown type names throw UNKNOWN_CREDENTIAL_TYPE everywhere', (t) => {
  for (const call of [
    () => getCredentialType('Passport'),
    () => credentialSchemaFor('Passport'),
    () => credentialJsonSchema('Passport'),
    () => labelFor('Passport', '/fullName', 'vi'),
    () => disclosableFieldsFor('Passport'),
  ]) {
    t.true(hasCode(t.throws(call), 'UNKNOWN_CREDENTIAL_TYPE'));
  }
});

test('every URL derives from VNEID_CONTEXT_BASE', (t) => {
  t.is(VNEID_CONTEXT_BASE, 'https://vneid.gov.vn/credentials/');
  t.deepEqual(
    BUILT_IN_TYPES.map((type) => [getCredentialType(type).contextUrl, credentialSchemaFor(type).id]),
    [
      [`${VNEID_CONTEXT_BASE}citizen-identity-card/v1`, `${VNEID_CONTEXT_BASE}citizen-identity-card/schema/v1.json`],
      [`${VNEID_CONTEXT_BASE}driving-licence/v1`, `${VNEID_CONTEXT_BASE}driving-licence/schema/v1.json`],
      [`${VNEID_CONTEXT_BASE}university-degree/v1`, `${VNEID_CONTEXT_BASE}university-degree/schema/v1.json`],
      [`${VNEID_CONTEXT_BASE}health-insurance-card/v1`, `${VNEID_CONTEXT_BASE}health-insurance-card/schema/v1.json`],
    ],
  );
});

test('registeredContexts maps each context URL to its document, and is a copy', (t) => {
  const contexts = registeredContexts();
  for (const type of BUILT_IN_TYPES) {
    const def = getCredentialType(type);
    t.is(contexts.get(def.contextUrl), def.context);
  }
  contexts.clear();
  t.true(registeredContexts().size >= 4);
});

test('disclosable fields default to every subject field but id', (t) => {
  t.deepEqual(disclosableFieldsFor('HealthInsuranceCard'), [
    'socialInsuranceNumber',
    'personalIdentificationNumber',
    'fullName',
    'dateOfBirth',
    'sex',
    'initialHealthFacility',
    'coverageFrom',
    'coverageTo',
    'benefitLevel',
  ]);
});

for (const type of BUILT_IN_TYPES) {
  test(`${type}: the published credential JSON Schema accepts a credential carrying the fixture, and only that`, (t) => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats.default(ajv);
    const schema = credentialJsonSchema(type);
    t.is(schema.$id, credentialSchemaFor(type).id);
    const validate = ajv.compile(schema);
    const credential = {
      '@context': ['https://www.w3.org/ns/credentials/v2', getCredentialType(type).contextUrl],
      type: ['VerifiableCredential', type],
      issuer: 'did:web:bocongan.gov.vn',
      validFrom: '2026-01-01T00:00:00Z',
      credentialSchema: credentialSchemaFor(type),
      credentialSubject: { id: 'did:key:z6MkholderExample', ...fixtures[type] },
    };
    t.true(validate(credential), JSON.stringify(validate.errors));
    t.false(validate({ ...credential, credentialSubject: { ...credential.credentialSubject, extra: 1 } }));
    t.false(validate({ ...credential, type: ['VerifiableCredential'] }));
    t.false(validate({ ...credential, '@context': ['https://www.w3.org/ns/credentials/v2'] }));
  });
}

test('the fixtures are valid today (2026-11-25) and for years to come', (t) => {
  const today = '2026-11-25';
  const inFourYears = '2030-11-25';
  const cic = fixtures.CitizenIdentityCard;
  t.true(cic.dateOfIssue <= today && cic.dateOfExpiry > inFourYears);
  const dl = fixtures.DrivingLicence;
  t.true(dl.dateOfIssue <= today);
  t.true(dl.licenceClasses.every((c) => c.dateOfExpiry === undefined || c.dateOfExpiry > inFourYears));
  const hic = fixtures.HealthInsuranceCard;
  t.true(hic.coverageFrom <= today && hic.coverageTo > inFourYears);
  t.true(fixtures.UniversityDegree.graduationYear <= 2026);
});

test('isRegisteredType answers without throwing, for any input', (t) => {
  t.true(isRegisteredType('DrivingLicence'));
  for (const value of ['NoSuchCard', '', '__proto__', 'constructor', 42, undefined, null])
    t.false(isRegisteredType(value));
});
