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
import { dateTerm, term, typeTerm } from '../lib/vocab.js';

const TYPE = 'HealthInsuranceCard';
const urls = credentialTypeUrls(TYPE);

/** JSON Schema 2020-12 of a Thẻ bảo hiểm y tế `credentialSubject`. */
const subjectSchema = {
  type: 'object',
  title: 'Thẻ bảo hiểm y tế — credentialSubject',
  properties: {
    id: holderIdSchema,
    socialInsuranceNumber: { type: 'string', pattern: '^[0-9]{10}$', maxLength: 10 },
    personalIdentificationNumber: pinSchema,
    fullName: fullNameSchema,
    dateOfBirth: dateSchema,
    sex: sexSchema,
    initialHealthFacility: {
      type: 'object',
      properties: {
        facilityCode: { type: 'string', pattern: '^[0-9]{5}$', maxLength: 5 },
        facilityName: textSchema(200),
      },
      required: ['facilityCode', 'facilityName'],
      additionalProperties: false,
    },
    coverageFrom: dateSchema,
    coverageTo: dateSchema,
    benefitLevel: { type: 'string', enum: ['1', '2', '3', '4', '5'] },
  },
  required: [
    'socialInsuranceNumber',
    'personalIdentificationNumber',
    'fullName',
    'dateOfBirth',
    'sex',
    'initialHealthFacility',
    'coverageFrom',
    'coverageTo',
    'benefitLevel',
  ],
  additionalProperties: false,
} as const satisfies ObjectSchema;

/** The `credentialSubject` of a Thẻ bảo hiểm y tế (health insurance card), inferred from its JSON Schema. */
export type HealthInsuranceCardSubject = Infer<typeof subjectSchema>;

/** A valid synthetic Thẻ BHYT subject, same holder as the citizen identity card fixture. */
export const healthInsuranceCardFixture: HealthInsuranceCardSubject = {
  socialInsuranceNumber: '0107812345',
  personalIdentificationNumber: FIXTURE_CITIZEN.personalIdentificationNumber,
  fullName: FIXTURE_CITIZEN.fullName,
  dateOfBirth: FIXTURE_CITIZEN.dateOfBirth,
  sex: FIXTURE_CITIZEN.sex,
  initialHealthFacility: { facilityCode: '01009', facilityName: 'Bệnh viện Đa khoa Đống Đa' },
  coverageFrom: '2026-01-01',
  coverageTo: '2031-12-31',
  benefitLevel: '4',
};

/**
 * Thẻ bảo hiểm y tế (health insurance card), issued by Vietnam Social
 * Security. Rules: the number agrees with birth date and sex; coverage ends
 * after it starts.
 *
 * @example
 * valueLabelFor(healthInsuranceCard.type, '/benefitLevel', '4', 'en') // 'Level 4: 80% of costs'
 */
export const healthInsuranceCard: CredentialTypeDefinition<HealthInsuranceCardSubject> = {
  type: TYPE,
  contextUrl: urls.contextUrl,
  schemaUrl: urls.schemaUrl,
  context: {
    '@context': {
      '@protected': true,
      [TYPE]: typeTerm(TYPE),
      socialInsuranceNumber: term('socialInsuranceNumber'),
      personalIdentificationNumber: pinTerm,
      fullName: commonTerms.fullName,
      dateOfBirth: commonTerms.dateOfBirth,
      sex: commonTerms.sex,
      initialHealthFacility: {
        ...term('initialHealthFacility'),
        '@context': {
          '@protected': true,
          facilityCode: term('facilityCode'),
          facilityName: term('facilityName'),
        },
      },
      coverageFrom: dateTerm('coverageFrom'),
      coverageTo: dateTerm('coverageTo'),
      benefitLevel: term('benefitLevel'),
    },
  },
  subjectSchema,
  labels: {
    type: { vi: 'Thẻ bảo hiểm y tế', en: 'Health insurance card' },
    fields: {
      '/id': commonLabels['/id'],
      '/socialInsuranceNumber': { vi: 'Mã số bảo hiểm xã hội', en: 'Social insurance number' },
      '/personalIdentificationNumber': pinLabel,
      '/fullName': commonLabels.fullName,
      '/dateOfBirth': commonLabels.dateOfBirth,
      '/sex': commonLabels.sex,
      '/initialHealthFacility': {
        vi: 'Nơi đăng ký khám bệnh, chữa bệnh ban đầu',
        en: 'Registered primary health-care facility',
      },
      '/initialHealthFacility/facilityCode': { vi: 'Mã cơ sở khám bệnh, chữa bệnh', en: 'Facility code' },
      '/initialHealthFacility/facilityName': { vi: 'Tên cơ sở khám bệnh, chữa bệnh', en: 'Facility name' },
      '/coverageFrom': { vi: 'Giá trị sử dụng từ ngày', en: 'Coverage from' },
      '/coverageTo': { vi: 'Giá trị sử dụng đến ngày', en: 'Coverage until' },
      '/benefitLevel': { vi: 'Mức hưởng', en: 'Benefit level' },
    },
    values: {
      '/sex': sexValueLabels,
      // Benefit-level codes printed on the card (Decision 1666/QĐ-BHXH, Law on Health Insurance Art. 22).
      '/benefitLevel': {
        '1': {
          vi: 'Mức 1: 100% chi phí, không giới hạn tỷ lệ thanh toán',
          en: 'Level 1: 100% of costs, no payment-rate limits',
        },
        '2': {
          vi: 'Mức 2: 100% chi phí, có giới hạn tỷ lệ thanh toán',
          en: 'Level 2: 100% of costs, with payment-rate limits',
        },
        '3': { vi: 'Mức 3: 95% chi phí', en: 'Level 3: 95% of costs' },
        '4': { vi: 'Mức 4: 80% chi phí', en: 'Level 4: 80% of costs' },
        '5': {
          vi: 'Mức 5: 100% chi phí, kể cả ngoài phạm vi quỹ bảo hiểm y tế',
          en: 'Level 5: 100% of costs, including services outside the fund’s scope',
        },
      },
    },
  },
  issuerRole: 'VietnamSocialSecurity',
  expiryField: 'coverageTo',
  fixture: healthInsuranceCardFixture,
  rules: (subject) => [...pinRule(subject), ...mustPrecede(subject, 'coverageFrom', 'coverageTo')],
};
