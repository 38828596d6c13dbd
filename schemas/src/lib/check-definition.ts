/*
 * A definition is data from whoever registers it, so it is checked before it
 * can reach an issuer or a verifier: a field without labels, a field without a
 * JSON-LD term (safe mode would reject the credential) or a fixture that fails
 * its own schema is a defect of the definition, reported as a TypeError.
 */
import type { CredentialTypeDefinition } from '../definition.js';
import type { Violation } from '../violation.js';
import { compileSchema, toViolations } from './ajv.js';
import { escapeToken } from './json-pointer.js';
import { objectPart, walkProperties } from './walk-schema.js';

/** Names the credentials v2 context protects; a subject field with one of them would be a redefinition. */
const PROTECTED_NAMES = new Set(['id', 'type', 'name', 'description']);
const TYPE_NAME = /^[A-Z][A-Za-z0-9]{0,63}$/;

function record(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown): boolean {
  return (
    record(value) && typeof value.vi === 'string' && value.vi !== '' && typeof value.en === 'string' && value.en !== ''
  );
}

function fail(type: unknown, problem: string): never {
  throw new TypeError(`credential type definition ${String(type)}: ${problem}`);
}

/** Pointers of properties with no term in force, following property-scoped contexts down. */
function missingTerms(schema: unknown, terms: Record<string, unknown>, parent = ''): string[] {
  const node = record(schema) ? objectPart(schema) : undefined;
  if (node === undefined || !record(node.properties)) return [];
  const out: string[] = [];
  for (const [name, child] of Object.entries(node.properties)) {
    const pointer = `${parent}/${escapeToken(name)}`;
    // `id` is aliased to @id by the credentials v2 context.
    const definition = terms[name];
    if (definition === undefined && !(parent === '' && name === 'id')) out.push(pointer);
    const scoped =
      record(definition) && record(definition['@context']) ? { ...terms, ...definition['@context'] } : terms;
    out.push(...missingTerms(child, scoped, pointer));
  }
  return out;
}

/** Throws a TypeError naming the first defect; returns the compiled subject validator otherwise. */
export function checkDefinition(def: CredentialTypeDefinition) {
  if (!record(def)) throw new TypeError('credential type definition must be an object');
  const { type } = def;
  if (typeof type !== 'string' || !TYPE_NAME.test(type)) fail(type, 'type must be a PascalCase name');
  for (const key of ['contextUrl', 'schemaUrl'] as const) {
    const url = def[key];
    if (typeof url !== 'string' || !URL.canParse(url) || !url.startsWith('https://')) {
      fail(type, `${key} must be an https URL`);
    }
  }
  if (def.contextUrl === def.schemaUrl) fail(type, 'contextUrl and schemaUrl must differ');
  if (typeof def.issuerRole !== 'string' || def.issuerRole === '') fail(type, 'issuerRole must be a non-empty string');
  if (!record(def.context) || !record(def.context['@context'])) fail(type, 'context must be {"@context": {…}}');
  const terms = def.context['@context'];
  if (terms['@protected'] !== true) fail(type, 'context must be @protected');
  if (terms[type] === undefined) fail(type, `context must define the term ${type}`);
  if (!record(def.subjectSchema) || def.subjectSchema.type !== 'object')
    fail(type, 'subjectSchema must be an object schema');
  if (def.rules !== undefined && typeof def.rules !== 'function') fail(type, 'rules must be a function');
  if (!record(def.labels) || !isText(def.labels.type) || !record(def.labels.fields)) {
    fail(type, 'labels must have a type label and field labels in vi and en');
  }

  let validate: ReturnType<typeof compileSchema>;
  try {
    validate = compileSchema(def.subjectSchema);
  } catch (cause) {
    throw new TypeError(`credential type definition ${type}: subjectSchema does not compile`, { cause });
  }

  const properties = walkProperties(def.subjectSchema);
  const values = record(def.labels.values) ? def.labels.values : {};
  for (const property of properties) {
    const { pointer, name, schema } = property;
    const topLevelId = pointer === '/id';
    if (PROTECTED_NAMES.has(name) && !topLevelId) fail(type, `${pointer} uses a name protected by credentials v2`);
    if (name.startsWith('@')) fail(type, `${pointer} is a JSON-LD keyword`);
    if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) {
      fail(type, `${pointer} must not allow additional properties`);
    }
    if (!isText(def.labels.fields[pointer])) fail(type, `${pointer} has no vi and en label`);
    const allowed = Array.isArray(schema.enum) ? schema.enum : undefined;
    if (allowed !== undefined) {
      const labels = values[pointer];
      for (const value of allowed) {
        if (!record(labels) || !isText(labels[String(value)]))
          fail(type, `${pointer} value ${String(value)} has no label`);
      }
    }
  }
  const untermed = missingTerms(def.subjectSchema, terms);
  if (untermed.length > 0) fail(type, `${untermed.join(', ')} have no term in the context`);
  if (def.subjectSchema.additionalProperties !== false)
    fail(type, 'subjectSchema must not allow additional properties');

  const topLevel = new Set(properties.filter((p) => p.parent === '').map((p) => p.name));
  for (const field of def.disclosableFields ?? []) {
    if (!topLevel.has(field) || field === 'id') fail(type, `disclosable field ${String(field)} is not a subject field`);
  }
  if (def.expiryField !== undefined && (!topLevel.has(def.expiryField) || def.expiryField === 'id')) {
    fail(type, `expiryField ${String(def.expiryField)} is not a subject field`);
  }

  const fixtureViolations: Violation[] = validate(def.fixture) ? [] : toViolations(validate.errors ?? []);
  if (record(def.fixture) && def.rules) fixtureViolations.push(...def.rules(def.fixture));
  if (record(def.fixture) && 'id' in def.fixture) fail(type, 'fixture must not carry an id');
  if (fixtureViolations.length > 0) {
    fail(type, `fixture is invalid: ${fixtureViolations.map((v) => `${v.pointer} ${v.code}`).join(', ')}`);
  }
  return validate;
}
