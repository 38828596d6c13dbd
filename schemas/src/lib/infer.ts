/*
 * A deliberately small JSON Schema subset for the built-in subject schemas.
 * Declaring a schema `as const satisfies ObjectSchema` forces caps on every
 * string and array and `additionalProperties: false` on every object, and
 * `Infer<typeof schema>` derives the subject type from it, so the TypeScript
 * types cannot drift from the schema (Ajv's JSONSchemaType would instead need
 * `nullable: true` on optional fields, which lets `null` through).
 */

/** A free-text string: its length must be capped. */
export interface FreeStringSchema {
  readonly type: 'string';
  readonly maxLength: number;
  readonly minLength?: number;
  readonly pattern?: string;
  readonly format?: 'date';
}

/** A string from a closed list. */
export interface EnumStringSchema {
  readonly type: 'string';
  readonly enum: readonly [string, ...string[]];
}

/** A bounded integer. */
export interface IntegerSchema {
  readonly type: 'integer';
  readonly minimum: number;
  readonly maximum: number;
}

/** An array with a capped length. */
export interface ArraySchema {
  readonly type: 'array';
  readonly items: SchemaNode;
  readonly minItems?: number;
  readonly maxItems: number;
}

/** A closed object: unknown fields are violations. */
export interface ObjectSchema {
  readonly type: 'object';
  readonly title?: string;
  readonly properties: { readonly [name: string]: SchemaNode };
  readonly required: readonly string[];
  readonly additionalProperties: false;
}

/** Any node of the subset. */
export type SchemaNode = FreeStringSchema | EnumStringSchema | IntegerSchema | ArraySchema | ObjectSchema;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The TypeScript type of values valid against schema `S` (a {@link SchemaNode} declared `as const`). */
export type Infer<S> = S extends { readonly enum: readonly (infer E)[] }
  ? E
  : S extends { readonly type: 'string' }
    ? string
    : S extends { readonly type: 'integer' }
      ? number
      : S extends { readonly type: 'array'; readonly items: infer I }
        ? Infer<I>[]
        : S extends {
              readonly type: 'object';
              readonly properties: infer P;
              readonly required: readonly (infer R)[];
            }
          ? Simplify<
              { -readonly [K in keyof P as K extends R ? K : never]: Infer<P[K]> } & {
                -readonly [K in keyof P as K extends R ? never : K]?: Infer<P[K]>;
              }
            >
          : never;
