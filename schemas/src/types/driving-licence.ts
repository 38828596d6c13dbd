import { credentialTypeUrls } from '../constants.js';
import type { CredentialTypeDefinition, LocalizedText } from '../definition.js';
import {
  commonLabels,
  commonTerms,
  dateSchema,
  fullNameSchema,
  holderIdSchema,
  textSchema,
} from '../lib/common-fields.js';
import { FIXTURE_CITIZEN } from '../lib/fixture-citizen.js';
import type { Infer, ObjectSchema } from '../lib/infer.js';
import { pinLabel, pinRule, pinSchema, pinTerm } from '../lib/pin.js';
import { dateField, mustPrecede } from '../lib/rules.js';
import { term, typeTerm } from '../lib/vocab.js';
import type { Violation } from '../violation.js';

const TYPE = 'DrivingLicence';
const urls = credentialTypeUrls(TYPE);

/** Licence classes of the Law on Road Traffic Order and Safety 2024, Art. 57. */
const LICENCE_CLASSES = [
  'A1',
  'A',
  'B1',
  'B',
  'C1',
  'C',
  'D1',
  'D2',
  'D',
  'BE',
  'C1E',
  'CE',
  'D1E',
  'D2E',
  'DE',
] as const;

/** JSON Schema 2020-12 of a Giấy phép lái xe `credentialSubject`. */
const subjectSchema = {
  type: 'object',
  title: 'Giấy phép lái xe — credentialSubject',
  properties: {
    id: holderIdSchema,
    licenceNumber: { type: 'string', pattern: '^[0-9]{12}$', maxLength: 12 },
    fullName: fullNameSchema,
    dateOfBirth: dateSchema,
    personalIdentificationNumber: pinSchema,
    nationality: textSchema(60),
    placeOfResidence: textSchema(300),
    licenceClasses: {
      type: 'array',
      minItems: 1,
      maxItems: LICENCE_CLASSES.length,
      items: {
        type: 'object',
        properties: {
          licenceClass: { type: 'string', enum: LICENCE_CLASSES },
          // A1, A and B1 do not expire; the others do (Art. 59).
          dateOfExpiry: dateSchema,
        },
        required: ['licenceClass'],
        additionalProperties: false,
      },
    },
    dateOfIssue: dateSchema,
    issuingAuthority: textSchema(200),
  },
  required: [
    'licenceNumber',
    'fullName',
    'dateOfBirth',
    'personalIdentificationNumber',
    'nationality',
    'placeOfResidence',
    'licenceClasses',
    'dateOfIssue',
    'issuingAuthority',
  ],
  additionalProperties: false,
} as const satisfies ObjectSchema;

/** The `credentialSubject` of a Giấy phép lái xe (driving licence), inferred from its JSON Schema. */
export type DrivingLicenceSubject = Infer<typeof subjectSchema>;

/** A valid synthetic Giấy phép lái xe subject, same holder as the citizen identity card fixture. */
export const drivingLicenceFixture: DrivingLicenceSubject = {
  licenceNumber: '010250012345',
  fullName: FIXTURE_CITIZEN.fullName,
  dateOfBirth: FIXTURE_CITIZEN.dateOfBirth,
  personalIdentificationNumber: FIXTURE_CITIZEN.personalIdentificationNumber,
  nationality: FIXTURE_CITIZEN.nationality,
  placeOfResidence: FIXTURE_CITIZEN.placeOfResidence,
  licenceClasses: [{ licenceClass: 'A1' }, { licenceClass: 'B', dateOfExpiry: '2035-09-03' }],
  dateOfIssue: '2025-09-03',
  issuingAuthority: 'Phòng Cảnh sát giao thông, Công an Thành phố Hà Nội',
};

/** One class per licence, each class expiring after the licence was issued. */
function licenceClassRules(subject: Readonly<Record<string, unknown>>): Violation[] {
  const classes = subject.licenceClasses;
  if (!Array.isArray(classes)) return [];
  const out: Violation[] = [];
  const seen = new Set<unknown>();
  const issued = dateField(subject, 'dateOfIssue');
  classes.forEach((item: unknown, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return;
    const entry = item as Record<string, unknown>;
    if (typeof entry.licenceClass === 'string') {
      if (seen.has(entry.licenceClass)) {
        out.push({
          pointer: `/licenceClasses/${index}/licenceClass`,
          code: 'DUPLICATE_ITEM',
          message: 'licence class listed twice',
        });
      }
      seen.add(entry.licenceClass);
    }
    const expiry = dateField(entry, 'dateOfExpiry');
    if (issued !== undefined && expiry !== undefined && expiry <= issued) {
      out.push({
        pointer: `/licenceClasses/${index}/dateOfExpiry`,
        code: 'DATE_ORDER',
        message: 'dateOfExpiry must be after the licence dateOfIssue',
      });
    }
  });
  return out;
}

const classLabels: Record<string, LocalizedText> = Object.fromEntries(
  LICENCE_CLASSES.map((c) => [c, { vi: `Hạng ${c}`, en: `Class ${c}` }]),
);

/**
 * Giấy phép lái xe (driving licence), issued by the traffic police of the
 * Ministry of Public Security. Rules: the number agrees with the birth date;
 * born before issue; classes unique, each expiring after issue.
 *
 * @example
 * labelFor(drivingLicence.type, '/licenceClasses/0/licenceClass', 'vi') // 'Hạng'
 */
export const drivingLicence: CredentialTypeDefinition<DrivingLicenceSubject> = {
  type: TYPE,
  contextUrl: urls.contextUrl,
  schemaUrl: urls.schemaUrl,
  context: {
    '@context': {
      '@protected': true,
      [TYPE]: typeTerm(TYPE),
      licenceNumber: term('licenceNumber'),
      fullName: commonTerms.fullName,
      dateOfBirth: commonTerms.dateOfBirth,
      personalIdentificationNumber: pinTerm,
      nationality: commonTerms.nationality,
      placeOfResidence: commonTerms.placeOfResidence,
      licenceClasses: {
        ...term('licenceClasses'),
        '@container': '@set',
        '@context': {
          '@protected': true,
          licenceClass: term('licenceClass'),
          dateOfExpiry: commonTerms.dateOfExpiry,
        },
      },
      dateOfIssue: commonTerms.dateOfIssue,
      issuingAuthority: term('issuingAuthority'),
    },
  },
  subjectSchema,
  labels: {
    type: { vi: 'Giấy phép lái xe', en: 'Driving licence' },
    fields: {
      '/id': commonLabels['/id'],
      '/licenceNumber': { vi: 'Số giấy phép lái xe', en: 'Licence number' },
      '/fullName': commonLabels.fullName,
      '/dateOfBirth': commonLabels.dateOfBirth,
      '/personalIdentificationNumber': pinLabel,
      '/nationality': commonLabels.nationality,
      '/placeOfResidence': commonLabels.placeOfResidence,
      '/licenceClasses': { vi: 'Hạng giấy phép lái xe', en: 'Licence classes' },
      '/licenceClasses/licenceClass': { vi: 'Hạng', en: 'Class' },
      '/licenceClasses/dateOfExpiry': commonLabels.dateOfExpiry,
      '/dateOfIssue': commonLabels.dateOfIssue,
      '/issuingAuthority': { vi: 'Cơ quan cấp', en: 'Issuing authority' },
    },
    values: { '/licenceClasses/licenceClass': classLabels },
  },
  issuerRole: 'MinistryOfPublicSecurity',
  fixture: drivingLicenceFixture,
  rules: (subject) => [
    ...pinRule(subject),
    ...mustPrecede(subject, 'dateOfBirth', 'dateOfIssue'),
    ...licenceClassRules(subject),
  ],
};
