import { escapeToken } from './json-pointer.js';

/** One property of a subject schema, at any depth. */
export interface SchemaProperty {
  /** Pointer without array indices, e.g. `/licenceClasses/licenceClass`. */
  pointer: string;
  name: string;
  schema: Record<string, unknown>;
  /** Pointer of the enclosing property, `''` at the top level. */
  parent: string;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The object schema holding a property's own fields: itself, or its `items` for an array of objects. */
export function objectPart(schema: Record<string, unknown>): Record<string, unknown> | undefined {
  const items = asRecord(schema.items);
  const node = items ?? schema;
  return asRecord(node.properties) === undefined ? undefined : node;
}

/** Every property of an object schema, depth first, following `properties` and `items`. */
export function walkProperties(schema: object, parent = ''): SchemaProperty[] {
  const node = objectPart(schema as Record<string, unknown>);
  const properties = node === undefined ? undefined : asRecord(node.properties);
  if (properties === undefined) return [];
  const out: SchemaProperty[] = [];
  for (const [name, value] of Object.entries(properties)) {
    const child = asRecord(value) ?? {};
    const pointer = `${parent}/${escapeToken(name)}`;
    out.push({ pointer, name, schema: child, parent });
    out.push(...walkProperties(child, pointer));
  }
  return out;
}
