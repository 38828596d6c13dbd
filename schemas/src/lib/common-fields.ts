/*
 * Fields shared by several document types: one schema, one term (hence one
 * IRI) and one label each, so the same fact reads the same everywhere.
 */
import { dateTerm, term } from './vocab.js';

/** `credentialSubject.id`, the holder's DID; its term comes from the credentials v2 context. */
export const holderIdSchema = { type: 'string', pattern: '^did:[a-z0-9]+:', maxLength: 2048 } as const;
export const holderIdLabel = {
  vi: 'Định danh phi tập trung của chủ thể (DID)',
  en: 'Holder identifier (DID)',
} as const;

/** Free text without control or bidi-override characters. */
const TEXT = '^[^\\p{C}]*$';

/** Letters (any script, with combining marks), spaces, apostrophes, dots and hyphens. */
export const fullNameSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 100,
  pattern: "^\\p{L}[\\p{L}\\p{M} '.-]*$",
} as const;

/** `YYYY-MM-DD`, a real calendar date. */
export const dateSchema = { type: 'string', format: 'date', maxLength: 10 } as const;

/** Labelled Nam / Nữ. */
export const sexSchema = { type: 'string', enum: ['male', 'female'] } as const;

/** Free text of 1..maxLength characters. */
export function textSchema<N extends number>(maxLength: N) {
  return { type: 'string', minLength: 1, maxLength, pattern: TEXT } as const;
}

/** JSON-LD terms of the shared fields. */
export const commonTerms = {
  fullName: term('fullName'),
  sex: term('sex'),
  nationality: term('nationality'),
  placeOfResidence: term('placeOfResidence'),
  dateOfBirth: dateTerm('dateOfBirth'),
  dateOfIssue: dateTerm('dateOfIssue'),
  dateOfExpiry: dateTerm('dateOfExpiry'),
} as const;

/** Labels of the shared fields. */
export const commonLabels = {
  '/id': holderIdLabel,
  fullName: { vi: 'Họ, chữ đệm và tên', en: 'Full name' },
  dateOfBirth: { vi: 'Ngày, tháng, năm sinh', en: 'Date of birth' },
  sex: { vi: 'Giới tính', en: 'Sex' },
  nationality: { vi: 'Quốc tịch', en: 'Nationality' },
  placeOfResidence: { vi: 'Nơi cư trú', en: 'Place of residence' },
  dateOfIssue: { vi: 'Ngày cấp', en: 'Date of issue' },
  dateOfExpiry: { vi: 'Có giá trị đến', en: 'Date of expiry' },
} as const;

/** Labels of the sex values. */
export const sexValueLabels = {
  male: { vi: 'Nam', en: 'Male' },
  female: { vi: 'Nữ', en: 'Female' },
} as const;
