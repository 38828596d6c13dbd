import { credentialTypeUrls } from '../constants.js';
import type { CredentialTypeDefinition } from '../definition.js';
import {
  commonLabels,
  commonTerms,
  dateSchema,
  fullNameSchema,
  holderIdSchema,
  sexSchema,
  sexValueLabels,
  textSchema,
} from '../lib/common-fields.js';
import { FIXTURE_CITIZEN } from '../lib/fixture-citizen.js';
import type { Infer, ObjectSchema } from '../lib/infer.js';
import { pinLabel, pinRule, pinSchema, pinTerm } from '../lib/pin.js';
import { mustPrecede } from '../lib/rules.js';
import { term, typeTerm } from '../lib/vocab.js';

const TYPE = 'CitizenIdentityCard';
const urls = credentialTypeUrls(TYPE);

/** JSON Schema 2020-12 of a Thẻ căn cước `credentialSubject`. */
const subjectSchema = {
  type: 'object',
  title: 'Thẻ căn cước — credentialSubject',
  properties: {
    id: holderIdSchema,
    personalIdentificationNumber: pinSchema,
    fullName: fullNameSchema,
    dateOfBirth: dateSchema,
    sex: sexSchema,
    nationality: textSchema(60),
    placeOfBirthRegistration: textSchema(300),
    placeOfResidence: textSchema(300),
    dateOfIssue: dateSchema,
    dateOfExpiry: dateSchema,
    // SRI (`sha256-<base64>`) or a multibase base64url multihash (`u…`).
    faceImageDigest: {
      type: 'string',
      maxLength: 100,
      pattern:
        '^(sha256-[A-Za-z0-9+/]{43}=|sha384-[A-Za-z0-9+/]{64}|sha512-[A-Za-z0-9+/]{86}==|u[A-Za-z0-9_-]{46,88})$',
    },
    faceImage: {
      type: 'string',
      maxLength: 20000,
      pattern: '^data:image/(jpeg|png);base64,[A-Za-z0-9+/]+={0,2}$',
    },
  },
  required: [
    'personalIdentificationNumber',
    'fullName',
    'dateOfBirth',
    'sex',
    'nationality',
    'placeOfBirthRegistration',
    'placeOfResidence',
    'dateOfIssue',
    'dateOfExpiry',
    'faceImageDigest',
  ],
  additionalProperties: false,
} as const satisfies ObjectSchema;

/** The `credentialSubject` of a Thẻ căn cước (citizen identity card), inferred from its JSON Schema. */
export type CitizenIdentityCardSubject = Infer<typeof subjectSchema>;

/** A valid synthetic Thẻ căn cước subject: a woman born in 1978, registered in Hà Nội (001). */
export const citizenIdentityCardFixture: CitizenIdentityCardSubject = {
  personalIdentificationNumber: FIXTURE_CITIZEN.personalIdentificationNumber,
  fullName: FIXTURE_CITIZEN.fullName,
  dateOfBirth: FIXTURE_CITIZEN.dateOfBirth,
  sex: FIXTURE_CITIZEN.sex,
  nationality: FIXTURE_CITIZEN.nationality,
  placeOfBirthRegistration: 'Phường Hàng Bạc, Quận Hoàn Kiếm, Thành phố Hà Nội',
  placeOfResidence: FIXTURE_CITIZEN.placeOfResidence,
  dateOfIssue: '2024-08-12',
  // A card issued after 40 is valid until the holder turns 60 (Law on Identification 2023, Art. 21).
  dateOfExpiry: '2038-05-19',
  faceImageDigest: 'sha256-a3+kNPkqi4CqsC2b8aEuSf/K5CTkATocT2i2fj0rvNA=',
  faceImage:
    'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
};

/**
 * Thẻ căn cước (citizen identity card), issued by the Ministry of Public
 * Security. Rules: the number agrees with birth date and sex; born before
 * issue; expiry after issue.
 *
 * @example
 * validateSubject(citizenIdentityCard.type, citizenIdentityCard.fixture).valid // true
 */
export const citizenIdentityCard: CredentialTypeDefinition<CitizenIdentityCardSubject> = {
  type: TYPE,
  contextUrl: urls.contextUrl,
  schemaUrl: urls.schemaUrl,
  context: {
    '@context': {
      '@protected': true,
      [TYPE]: typeTerm(TYPE),
      personalIdentificationNumber: pinTerm,
      fullName: commonTerms.fullName,
      dateOfBirth: commonTerms.dateOfBirth,
      sex: commonTerms.sex,
      nationality: commonTerms.nationality,
      placeOfBirthRegistration: term('placeOfBirthRegistration'),
      placeOfResidence: commonTerms.placeOfResidence,
      dateOfIssue: commonTerms.dateOfIssue,
      dateOfExpiry: commonTerms.dateOfExpiry,
      faceImageDigest: term('faceImageDigest'),
      faceImage: term('faceImage'),
    },
  },
  subjectSchema,
  labels: {
    type: { vi: 'Thẻ căn cước', en: 'Citizen identity card' },
    fields: {
      '/id': commonLabels['/id'],
      '/personalIdentificationNumber': pinLabel,
      '/fullName': commonLabels.fullName,
      '/dateOfBirth': commonLabels.dateOfBirth,
      '/sex': commonLabels.sex,
      '/nationality': commonLabels.nationality,
      '/placeOfBirthRegistration': { vi: 'Nơi đăng ký khai sinh', en: 'Place of birth registration' },
      '/placeOfResidence': commonLabels.placeOfResidence,
      '/dateOfIssue': commonLabels.dateOfIssue,
      '/dateOfExpiry': commonLabels.dateOfExpiry,
      '/faceImageDigest': { vi: 'Mã băm ảnh khuôn mặt', en: 'Face image digest' },
      '/faceImage': { vi: 'Ảnh khuôn mặt', en: 'Face image' },
    },
    values: { '/sex': sexValueLabels },
  },
  issuerRole: 'MinistryOfPublicSecurity',
  expiryField: 'dateOfExpiry',
  fixture: citizenIdentityCardFixture,
  rules: (subject) => [
    ...pinRule(subject),
    ...mustPrecede(subject, 'dateOfBirth', 'dateOfIssue'),
    ...mustPrecede(subject, 'dateOfIssue', 'dateOfExpiry'),
  ],
};
