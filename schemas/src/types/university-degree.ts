import { credentialTypeUrls } from '../constants.js';
import type { CredentialTypeDefinition } from '../definition.js';
import {
  commonLabels,
  commonTerms,
  dateSchema,
  fullNameSchema,
  holderIdSchema,
  textSchema,
} from '../lib/common-fields.js';
import type { Infer, ObjectSchema } from '../lib/infer.js';
import { pinLabel, pinRule, pinSchema, pinTerm } from '../lib/pin.js';
import { dateField, yearOf } from '../lib/rules.js';
import { integerTerm, term, typeTerm } from '../lib/vocab.js';
import type { Violation } from '../violation.js';

const TYPE = 'UniversityDegree';
const urls = credentialTypeUrls(TYPE);
/** Diploma serial and register numbers: letters, digits and `. / -`, as printed. */
const SERIAL = { type: 'string', minLength: 1, maxLength: 32, pattern: '^[A-Z0-9][A-Z0-9./-]*$' } as const;
/** First-cycle degrees, which carry a classification (Circular 08/2021/TT-BGDĐT, Art. 16). */
const CLASSIFIED = new Set(['bachelor', 'engineer', 'architect', 'doctorOfMedicine']);
/** A graduate is older than this in the year of graduation. */
const MIN_GRADUATION_AGE = 15;

/** JSON Schema 2020-12 of a Văn bằng `credentialSubject`. */
const subjectSchema = {
  type: 'object',
  title: 'Văn bằng — credentialSubject',
  properties: {
    id: holderIdSchema,
    degreeTitle: {
      type: 'string',
      enum: ['bachelor', 'engineer', 'architect', 'doctorOfMedicine', 'master', 'doctor'],
    },
    fieldOfStudy: textSchema(200),
    fullName: fullNameSchema,
    dateOfBirth: dateSchema,
    personalIdentificationNumber: pinSchema,
    classification: { type: 'string', enum: ['excellent', 'veryGood', 'good', 'average'] },
    modeOfStudy: { type: 'string', enum: ['fullTime', 'partTime', 'distance'] },
    graduationYear: { type: 'integer', minimum: 1950, maximum: 2100 },
    diplomaSerialNumber: SERIAL,
    registerNumber: SERIAL,
    institution: textSchema(200),
  },
  required: [
    'degreeTitle',
    'fieldOfStudy',
    'fullName',
    'dateOfBirth',
    'personalIdentificationNumber',
    'modeOfStudy',
    'graduationYear',
    'diplomaSerialNumber',
    'registerNumber',
    'institution',
  ],
  additionalProperties: false,
} as const satisfies ObjectSchema;

/** The `credentialSubject` of a Văn bằng (university degree), inferred from its JSON Schema. */
export type UniversityDegreeSubject = Infer<typeof subjectSchema>;

/** A valid synthetic Văn bằng subject: a man born in 2001, registered in Đà Nẵng (048). */
export const universityDegreeFixture: UniversityDegreeSubject = {
  degreeTitle: 'engineer',
  fieldOfStudy: 'Kỹ thuật phần mềm',
  fullName: 'Lê Hoàng Nam',
  dateOfBirth: '2001-09-02',
  personalIdentificationNumber: '048201004567',
  classification: 'veryGood',
  modeOfStudy: 'fullTime',
  graduationYear: 2024,
  diplomaSerialNumber: 'BKDN-2024-001234',
  registerNumber: '2024/KS-0567',
  institution: 'Trường Đại học Bách khoa – Đại học Đà Nẵng',
};

function degreeRules(subject: Readonly<Record<string, unknown>>): Violation[] {
  const out: Violation[] = [];
  const born = dateField(subject, 'dateOfBirth');
  const year = subject.graduationYear;
  if (born !== undefined && Number.isInteger(year) && (year as number) <= yearOf(born) + MIN_GRADUATION_AGE) {
    out.push({
      pointer: '/graduationYear',
      code: 'DATE_ORDER',
      message: `graduationYear must be more than ${MIN_GRADUATION_AGE} years after the year of birth`,
    });
  }
  if (
    typeof subject.degreeTitle === 'string' &&
    CLASSIFIED.has(subject.degreeTitle) &&
    !('classification' in subject)
  ) {
    out.push({ pointer: '/classification', code: 'REQUIRED', message: '/classification is required for this degree' });
  }
  return out;
}

/**
 * Văn bằng (university degree), issued by an accredited university. Rules: the
 * number agrees with the birth date; graduation more than 15 years after
 * birth; a classification for first-cycle degrees (optional for master and doctor).
 *
 * @example
 * valueLabelFor(universityDegree.type, '/degreeTitle', 'engineer', 'vi') // 'Kỹ sư'
 */
export const universityDegree: CredentialTypeDefinition<UniversityDegreeSubject> = {
  type: TYPE,
  contextUrl: urls.contextUrl,
  schemaUrl: urls.schemaUrl,
  context: {
    '@context': {
      '@protected': true,
      [TYPE]: typeTerm(TYPE),
      degreeTitle: term('degreeTitle'),
      fieldOfStudy: term('fieldOfStudy'),
      fullName: commonTerms.fullName,
      dateOfBirth: commonTerms.dateOfBirth,
      personalIdentificationNumber: pinTerm,
      classification: term('classification'),
      modeOfStudy: term('modeOfStudy'),
      graduationYear: integerTerm('graduationYear'),
      diplomaSerialNumber: term('diplomaSerialNumber'),
      registerNumber: term('registerNumber'),
      institution: term('institution'),
    },
  },
  subjectSchema,
  labels: {
    type: { vi: 'Văn bằng', en: 'University degree' },
    fields: {
      '/id': commonLabels['/id'],
      '/degreeTitle': { vi: 'Tên văn bằng', en: 'Degree title' },
      '/fieldOfStudy': { vi: 'Ngành đào tạo', en: 'Field of study' },
      '/fullName': commonLabels.fullName,
      '/dateOfBirth': commonLabels.dateOfBirth,
      '/personalIdentificationNumber': pinLabel,
      '/classification': { vi: 'Xếp loại tốt nghiệp', en: 'Classification' },
      '/modeOfStudy': { vi: 'Hình thức đào tạo', en: 'Mode of study' },
      '/graduationYear': { vi: 'Năm tốt nghiệp', en: 'Year of graduation' },
      '/diplomaSerialNumber': { vi: 'Số hiệu văn bằng', en: 'Diploma serial number' },
      '/registerNumber': { vi: 'Số vào sổ cấp văn bằng', en: 'Register number' },
      '/institution': { vi: 'Cơ sở đào tạo', en: 'Institution' },
    },
    values: {
      '/degreeTitle': {
        bachelor: { vi: 'Cử nhân', en: 'Bachelor' },
        engineer: { vi: 'Kỹ sư', en: 'Engineer' },
        architect: { vi: 'Kiến trúc sư', en: 'Architect' },
        doctorOfMedicine: { vi: 'Bác sĩ', en: 'Doctor of Medicine' },
        master: { vi: 'Thạc sĩ', en: 'Master' },
        doctor: { vi: 'Tiến sĩ', en: 'Doctor (PhD)' },
      },
      '/classification': {
        excellent: { vi: 'Xuất sắc', en: 'Excellent' },
        veryGood: { vi: 'Giỏi', en: 'Very good' },
        good: { vi: 'Khá', en: 'Good' },
        average: { vi: 'Trung bình', en: 'Average' },
      },
      '/modeOfStudy': {
        fullTime: { vi: 'Chính quy', en: 'Full-time' },
        partTime: { vi: 'Vừa làm vừa học', en: 'Part-time (work and study)' },
        distance: { vi: 'Đào tạo từ xa', en: 'Distance learning' },
      },
    },
  },
  issuerRole: 'AccreditedUniversity',
  fixture: universityDegreeFixture,
  rules: (subject) => [...pinRule(subject), ...degreeRules(subject)],
};
