import {
  type CredentialTypeDefinition,
  credentialTypeUrls,
  personalIdentificationNumberField as pin,
  VNEID_VOCAB_BASE,
} from '@vneid/schemas';

/** A test-only fifth type, defined as data: the issuer must handle it without code changes. */
export function fishingLicence(): CredentialTypeDefinition {
  const type = 'FishingLicence';
  return {
    type,
    ...credentialTypeUrls(type),
    context: {
      '@context': {
        '@protected': true,
        [type]: `${VNEID_VOCAB_BASE}${type}`,
        [pin.name]: pin.term,
        vesselNumber: { '@id': `${VNEID_VOCAB_BASE}vesselNumber` },
      },
    },
    subjectSchema: {
      type: 'object',
      properties: {
        id: { type: 'string', pattern: '^did:', maxLength: 2048 },
        [pin.name]: pin.schema,
        vesselNumber: { type: 'string', pattern: '^[A-Z]{2}-[0-9]{5}-TS$', maxLength: 11 },
      },
      required: [pin.name, 'vesselNumber'],
      additionalProperties: false,
    },
    labels: {
      type: { vi: 'Giấy phép khai thác thủy sản', en: 'Fishing licence' },
      fields: {
        '/id': { vi: 'Định danh chủ thể', en: 'Holder identifier' },
        [`/${pin.name}`]: pin.label,
        '/vesselNumber': { vi: 'Số đăng ký tàu cá', en: 'Vessel registration number' },
      },
    },
    issuerRole: 'MinistryOfAgricultureAndEnvironment',
    fixture: { personalIdentificationNumber: '046079000123', vesselNumber: 'QB-91234-TS' },
    rules: (subject) => pin.rule(subject),
  };
}
