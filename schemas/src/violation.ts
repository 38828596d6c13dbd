/**
 * Every stable code a subject {@link Violation} can carry. Schema codes come
 * from JSON Schema keywords; the others from the rules of law behind each
 * document (Circular 59/2021/TT-BCA for the personal identification number).
 */
export const VIOLATION_CODES = [
  // JSON Schema keywords
  'REQUIRED',
  'ADDITIONAL_PROPERTY',
  'TYPE',
  'ENUM',
  'CONST',
  'FORMAT',
  'PATTERN',
  'MIN_LENGTH',
  'MAX_LENGTH',
  'MIN_ITEMS',
  'MAX_ITEMS',
  'UNIQUE_ITEMS',
  'MINIMUM',
  'MAXIMUM',
  /** Any other JSON Schema keyword (only reachable by third-party schemas). */
  'SCHEMA',
  // personal identification number (số định danh cá nhân)
  'PIN_FORMAT',
  'PIN_PROVINCE_UNKNOWN',
  'PIN_CENTURY_SEX_MISMATCH',
  'PIN_BIRTH_YEAR_MISMATCH',
  // other semantic rules
  'DATE_ORDER',
  'DUPLICATE_ITEM',
  /** A type-specific rule with no more precise code. */
  'INVALID_VALUE',
] as const;

/** A stable machine-readable violation code; switch on it, never on `message`. */
export type ViolationCode = (typeof VIOLATION_CODES)[number];

/**
 * One thing wrong with a credential subject.
 *
 * @example
 * { pointer: '/personalIdentificationNumber', code: 'PIN_PROVINCE_UNKNOWN', message: '…' }
 */
export interface Violation {
  /** JSON Pointer (RFC 6901) into `credentialSubject`; `''` is the subject itself. */
  pointer: string;
  code: ViolationCode;
  /** English, for logs; never contains the offending value. */
  message: string;
}
