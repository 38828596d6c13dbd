/*
 * One Ajv instance for every subject schema: strict (a misspelt keyword in a
 * definition fails at registration, not silently at verification) and
 * allErrors (verify reports every failure, STYLE §5).
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Violation, ViolationCode } from '../violation.js';
import { escapeToken } from './json-pointer.js';

const ajv = new Ajv2020({ allErrors: true, strict: true, unicodeRegExp: true });
addFormats.default(ajv, ['date', 'date-time', 'uri']);

const compiled = new WeakMap<object, ValidateFunction>();

/** Compiles once per schema object. Throws Ajv's error when the schema is invalid. */
export function compileSchema(schema: object): ValidateFunction {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

const KEYWORD_CODES: Readonly<Record<string, ViolationCode>> = {
  required: 'REQUIRED',
  additionalProperties: 'ADDITIONAL_PROPERTY',
  unevaluatedProperties: 'ADDITIONAL_PROPERTY',
  type: 'TYPE',
  enum: 'ENUM',
  const: 'CONST',
  format: 'FORMAT',
  pattern: 'PATTERN',
  minLength: 'MIN_LENGTH',
  maxLength: 'MAX_LENGTH',
  minItems: 'MIN_ITEMS',
  maxItems: 'MAX_ITEMS',
  uniqueItems: 'UNIQUE_ITEMS',
  minimum: 'MINIMUM',
  exclusiveMinimum: 'MINIMUM',
  maximum: 'MAXIMUM',
  exclusiveMaximum: 'MAXIMUM',
};

/** Ajv errors → violations pointing at the offending field itself (a missing or extra field, not its parent). */
export function toViolations(errors: readonly ErrorObject[]): Violation[] {
  const out: Violation[] = [];
  for (const error of errors) {
    // `if` only says "the then-branch failed"; that branch's own errors follow.
    if (error.keyword === 'if') continue;
    let pointer = error.instancePath;
    const params = error.params as Record<string, unknown>;
    const child = params.missingProperty ?? params.additionalProperty ?? params.unevaluatedProperty;
    if (typeof child === 'string') pointer += `/${escapeToken(child)}`;
    const code = KEYWORD_CODES[error.keyword] ?? 'SCHEMA';
    const message =
      code === 'ADDITIONAL_PROPERTY'
        ? 'unknown field'
        : code === 'REQUIRED'
          ? 'is required'
          : `${error.message ?? 'is invalid'}`;
    out.push({ pointer, code, message: `${pointer || '(subject)'} ${message}` });
  }
  return out;
}
