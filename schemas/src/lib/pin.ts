/*
 * The personal identification number (số định danh cá nhân) links a citizen's
 * documents, so every type that carries it uses this one schema, term, label
 * and rule. Structure (Circular 59/2021/TT-BCA, Art. 7):
 *   PPP C YY NNNNNN
 *   PPP  province code of birth registration
 *   C    century and sex: 1900s male 0 / female 1, 2000s 2/3, 2100s 4/5, 2200s 6/7, 2300s 8/9
 *   YY   last two digits of the year of birth
 *   N    six random digits
 */
import type { Violation } from '../violation.js';
import { PROVINCE_CODES } from './province-codes.js';
import { dateField, yearOf } from './rules.js';
import { term } from './vocab.js';

/** The field name, identical in every type. */
export const PIN_FIELD = 'personalIdentificationNumber' as const;
/** Where every PIN violation points. */
export const PIN_POINTER = `/${PIN_FIELD}`;
const PIN_SHAPE = /^[0-9]{12}$/;
const FIRST_CENTURY = 1900;
const LAST_YEAR = 2399;

/** The one JSON Schema of the number. */
export const pinSchema = { type: 'string', pattern: '^[0-9]{12}$', maxLength: 12 } as const;

/** The one JSON-LD term of the number. */
export const pinTerm = term(PIN_FIELD);

/** The one label of the number. */
export const pinLabel = { vi: 'Số định danh cá nhân', en: 'Personal identification number' } as const;

/** Facts about the holder the number must agree with; absent facts are not checked. */
export interface PinFacts {
  /** `YYYY-MM-DD`. */
  dateOfBirth?: string | undefined;
  sex?: 'male' | 'female' | undefined;
}

function violation(code: Violation['code'], message: string): Violation {
  return { pointer: PIN_POINTER, code, message };
}

/** Every disagreement of a number with its structure and with the holder's facts. */
export function checkPin(pin: string, facts: PinFacts): Violation[] {
  if (!PIN_SHAPE.test(pin)) {
    return [violation('PIN_FORMAT', 'personal identification number must be exactly 12 digits')];
  }
  const out: Violation[] = [];
  if (!PROVINCE_CODES.has(pin.slice(0, 3))) {
    out.push(violation('PIN_PROVINCE_UNKNOWN', 'digits 1–3 are not a province code of birth registration'));
  }
  const digit = Number(pin[3]);
  const year = facts.dateOfBirth === undefined ? undefined : yearOf(facts.dateOfBirth);
  if (year !== undefined) {
    if (year < FIRST_CENTURY || year > LAST_YEAR) {
      out.push(violation('PIN_CENTURY_SEX_MISMATCH', 'year of birth is outside the centuries the number can encode'));
    } else if (Math.floor((year - FIRST_CENTURY) / 100) !== Math.floor(digit / 2)) {
      out.push(violation('PIN_CENTURY_SEX_MISMATCH', 'digit 4 encodes a different century of birth'));
    } else if (facts.sex !== undefined && (digit % 2 === 0 ? 'male' : 'female') !== facts.sex) {
      out.push(violation('PIN_CENTURY_SEX_MISMATCH', 'digit 4 encodes a different sex'));
    }
    if (pin.slice(4, 6) !== String(year % 100).padStart(2, '0')) {
      out.push(violation('PIN_BIRTH_YEAR_MISMATCH', 'digits 5–6 differ from the year of birth'));
    }
  } else if (facts.sex !== undefined && (digit % 2 === 0 ? 'male' : 'female') !== facts.sex) {
    out.push(violation('PIN_CENTURY_SEX_MISMATCH', 'digit 4 encodes a different sex'));
  }
  return out;
}

/**
 * The one semantic rule, identical in every type: checks the number against
 * the subject's `dateOfBirth` and `sex` when the subject has them. A number
 * that is not 12 digits is left to the schema (PATTERN), so it is reported once.
 */
export function pinRule(subject: Readonly<Record<string, unknown>>): Violation[] {
  const pin = subject[PIN_FIELD];
  if (typeof pin !== 'string' || !PIN_SHAPE.test(pin)) return [];
  const sex = subject.sex === 'male' || subject.sex === 'female' ? subject.sex : undefined;
  return checkPin(pin, { dateOfBirth: dateField(subject, 'dateOfBirth'), sex });
}
