import type { LocalizedText } from './definition.js';
import { checkPin, PIN_FIELD, pinLabel, pinRule, pinSchema, pinTerm } from './lib/pin.js';
import type { Violation } from './violation.js';

/**
 * Checks a personal identification number (số định danh cá nhân) on its own:
 * 12 digits, a known province code of birth registration, and — when given —
 * agreement of the century-and-sex digit and the two year digits with the
 * holder's date of birth and sex (Circular 59/2021/TT-BCA, Art. 7). The same
 * check runs inside {@link validateSubject} for every type carrying the number.
 *
 * @example
 * validatePersonalIdentificationNumber('001190012345', { dateOfBirth: '1990-01-01', sex: 'female' }).errors[0]?.code
 * // 'PIN_CENTURY_SEX_MISMATCH' (digit 0 is a man born in the 1900s)
 * @returns violations at `/personalIdentificationNumber` with codes PIN_FORMAT,
 *   PIN_PROVINCE_UNKNOWN, PIN_CENTURY_SEX_MISMATCH, PIN_BIRTH_YEAR_MISMATCH.
 * @throws TypeError when `pin` is not a string or a fact is malformed.
 */
export function validatePersonalIdentificationNumber(
  pin: string,
  facts: { dateOfBirth?: string; sex?: 'male' | 'female' } = {},
): { valid: boolean; errors: Violation[] } {
  if (typeof pin !== 'string') throw new TypeError('pin must be a string');
  const { dateOfBirth, sex } = facts;
  if (dateOfBirth !== undefined && (typeof dateOfBirth !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(dateOfBirth))) {
    throw new TypeError('dateOfBirth must be YYYY-MM-DD');
  }
  if (sex !== undefined && sex !== 'male' && sex !== 'female') throw new TypeError("sex must be 'male' or 'female'");
  const errors = checkPin(pin, { dateOfBirth, sex });
  return { valid: errors.length === 0, errors };
}

/**
 * The one definition of the personal identification number field, for new
 * credential types: spread its parts into a definition so the number links the
 * new document to the citizen's others exactly as in the built-in types (same
 * schema, same JSON-LD term IRI, same label, same rule).
 *
 * @example
 * const pin = personalIdentificationNumberField;
 * subjectSchema.properties[pin.name] = pin.schema; context['@context'][pin.name] = pin.term;
 * labels.fields[`/${pin.name}`] = pin.label; rules: (s) => [...pin.rule(s), …]
 */
export const personalIdentificationNumberField: {
  readonly name: 'personalIdentificationNumber';
  readonly schema: { readonly type: 'string'; readonly pattern: string; readonly maxLength: number };
  readonly term: { readonly '@id': string };
  readonly label: LocalizedText;
  rule(subject: Readonly<Record<string, unknown>>): Violation[];
} = Object.freeze({ name: PIN_FIELD, schema: pinSchema, term: pinTerm, label: pinLabel, rule: pinRule });
