import { credentialTypeUrls, VNEID_VOCAB_BASE } from '../constants.js';
import type { CredentialTypeDefinition } from '../definition.js';
import { commonLabels, holderIdSchema } from '../lib/common-fields.js';
import { typeTerm } from '../lib/vocab.js';
import type { Violation } from '../violation.js';

const TYPE = 'AgeAttestation';
const urls = credentialTypeUrls(TYPE);
const XSD_BOOLEAN = 'http://www.w3.org/2001/XMLSchema#boolean';

/** The age thresholds attested, youngest first (ISO 18013-5 `age_over_NN` style). */
export const AGE_THRESHOLDS = [13, 16, 18] as const;

/**
 * A boolean claim (the schema subset of the other types has no booleans, so
 * this schema is written out). The enum gives both values a display label.
 */
const flag = { type: 'boolean', enum: [true, false] } as const;

/** How a verifier shows the answer. */
const yesNo = {
  true: { vi: 'Có', en: 'Yes' },
  false: { vi: 'Không', en: 'No' },
} as const;

/** JSON Schema 2020-12 of a Chứng nhận độ tuổi `credentialSubject`. */
const subjectSchema = {
  type: 'object',
  title: 'Chứng nhận độ tuổi — credentialSubject',
  properties: {
    id: holderIdSchema,
    ageOver13: flag,
    ageOver16: flag,
    ageOver18: flag,
  },
  required: ['ageOver13', 'ageOver16', 'ageOver18'],
  additionalProperties: false,
} as const;

/**
 * The `credentialSubject` of a Chứng nhận độ tuổi (age attestation): one
 * boolean per threshold and nothing that identifies the person but the
 * holder's DID.
 */
export interface AgeAttestationSubject {
  id?: string;
  ageOver13: boolean;
  ageOver16: boolean;
  ageOver18: boolean;
}

/** A valid synthetic attestation of an adult. */
export const ageAttestationFixture: AgeAttestationSubject = {
  ageOver13: true,
  ageOver16: true,
  ageOver18: true,
};

/** A term whose values are JSON booleans, typed xsd:boolean so the canonical form is unambiguous. */
function booleanTerm(name: string): { '@id': string; '@type': string } {
  return { '@id': `${VNEID_VOCAB_BASE}${name}`, '@type': XSD_BOOLEAN };
}

/** Being over 18 implies being over 16 and 13: an attestation saying otherwise is wrong, whatever signed it. */
function monotonic(subject: Readonly<Record<string, unknown>>): Violation[] {
  const out: Violation[] = [];
  for (let i = 1; i < AGE_THRESHOLDS.length; i++) {
    const younger = `ageOver${AGE_THRESHOLDS[i - 1]}`;
    const older = `ageOver${AGE_THRESHOLDS[i]}`;
    if (subject[older] === true && subject[younger] === false) {
      out.push({ pointer: `/${younger}`, code: 'INVALID_VALUE', message: `${older} is true, so ${younger} must be` });
    }
  }
  return out;
}

/**
 * Chứng nhận độ tuổi (age attestation), issued by the Ministry of Public
 * Security from the citizen identity card's date of birth, for age control
 * on online platforms: a holder discloses one threshold (e.g. `ageOver16`)
 * and nothing else. Issuers keep validity short and never past the next
 * threshold birthday (see the examples package).
 *
 * @example
 * validateSubject('AgeAttestation', { ageOver13: true, ageOver16: true, ageOver18: false }).valid // true
 */
export const ageAttestation: CredentialTypeDefinition<AgeAttestationSubject> = {
  type: TYPE,
  contextUrl: urls.contextUrl,
  schemaUrl: urls.schemaUrl,
  context: {
    '@context': {
      '@protected': true,
      [TYPE]: typeTerm(TYPE),
      ageOver13: booleanTerm('ageOver13'),
      ageOver16: booleanTerm('ageOver16'),
      ageOver18: booleanTerm('ageOver18'),
    },
  },
  subjectSchema,
  labels: {
    type: { vi: 'Chứng nhận độ tuổi', en: 'Age attestation' },
    fields: {
      '/id': commonLabels['/id'],
      '/ageOver13': { vi: 'Đủ 13 tuổi trở lên', en: 'Aged 13 or over' },
      '/ageOver16': { vi: 'Đủ 16 tuổi trở lên', en: 'Aged 16 or over' },
      '/ageOver18': { vi: 'Đủ 18 tuổi trở lên', en: 'Aged 18 or over' },
    },
    values: { '/ageOver13': yesNo, '/ageOver16': yesNo, '/ageOver18': yesNo },
  },
  issuerRole: 'MinistryOfPublicSecurity',
  fixture: ageAttestationFixture,
  rules: monotonic,
};
