import { UnknownCredentialTypeError, VneidError } from '@vneid/core';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { CredentialTypeDefinition } from './definition.js';
import { canonical, deepFreeze } from './lib/canonical.js';
import { checkDefinition } from './lib/check-definition.js';

interface Entry {
  definition: CredentialTypeDefinition;
  validate: ValidateFunction;
}

const entries = new Map<string, Entry>();

/**
 * Registers a credential type so the issuer, wallet and verifier accept it.
 * The definition is checked (labels, JSON-LD terms, schema compiles, fixture
 * valid) and then frozen. Registering the same definition again is a no-op.
 *
 * @example
 * registerCredentialType(myFishingLicenceDefinition)
 * @throws VneidError CREDENTIAL_TYPE_CONFLICT when the type name, context URL
 *   or schema URL is already registered with a different definition.
 * @throws TypeError when the definition is malformed or incomplete.
 */
export function registerCredentialType<Subject extends object>(definition: CredentialTypeDefinition<Subject>): void {
  const def = definition as unknown as CredentialTypeDefinition;
  const existing = entries.get(def?.type);
  if (existing !== undefined) {
    if (existing.definition === def || canonical(existing.definition) === canonical(def)) return;
    throw new VneidError('CREDENTIAL_TYPE_CONFLICT', `credential type ${def.type} is already registered differently`, {
      details: { type: def.type },
    });
  }
  const validate = checkDefinition(def);
  for (const other of entries.values()) {
    const o = other.definition;
    if ([o.contextUrl, o.schemaUrl].some((url) => url === def.contextUrl || url === def.schemaUrl)) {
      throw new VneidError('CREDENTIAL_TYPE_CONFLICT', `credential type ${def.type} reuses a URL of ${o.type}`, {
        details: { type: def.type, conflictsWith: o.type },
      });
    }
  }
  entries.set(def.type, { definition: deepFreeze(def), validate });
}

/** The registry entry of a type; internal. */
export function lookup(type: string): Entry {
  if (typeof type !== 'string') throw new TypeError('credential type must be a string');
  const entry = entries.get(type);
  if (entry === undefined) {
    throw new UnknownCredentialTypeError(`credential type ${type.slice(0, 64)} is not registered`, {
      details: { type: type.slice(0, 64) },
    });
  }
  return entry;
}

/**
 * The registered definition of a type.
 *
 * @example
 * getCredentialType('DrivingLicence').issuerRole // 'MinistryOfPublicSecurity'
 * @throws UnknownCredentialTypeError UNKNOWN_CREDENTIAL_TYPE
 */
export function getCredentialType(type: string): CredentialTypeDefinition {
  return lookup(type).definition;
}

/**
 * Whether a type is registered; never throws (for callers that sort types
 * rather than use one).
 *
 * @example
 * isRegisteredType('DrivingLicence') // true
 */
export function isRegisteredType(type: unknown): type is string {
  return typeof type === 'string' && entries.has(type);
}

/**
 * Every registered definition, in registration order (the four built-in types first).
 *
 * @example
 * listCredentialTypes().map((d) => d.type) // ['CitizenIdentityCard', 'DrivingLicence', …]
 */
export function listCredentialTypes(): CredentialTypeDefinition[] {
  return [...entries.values()].map((entry) => entry.definition);
}

/**
 * Context URL → JSON-LD context document of every registered type, for the
 * static document loader. A fresh map on each call.
 *
 * @example
 * const contexts = registeredContexts(); contexts.get(citizenIdentityCard.contextUrl)
 */
export function registeredContexts(): Map<string, object> {
  return new Map([...entries.values()].map(({ definition }) => [definition.contextUrl, definition.context]));
}

/**
 * The `credentialSchema` entry an issuer puts in a credential of this type
 * (VC Data Model 2.0 §4.11, VC JSON Schema §3.1 `JsonSchema`).
 *
 * @example
 * credentialSchemaFor('CitizenIdentityCard') // { id: 'https://vneid.gov.vn/credentials/citizen-identity-card/schema/v1.json', type: 'JsonSchema' }
 * @throws UnknownCredentialTypeError UNKNOWN_CREDENTIAL_TYPE
 */
export function credentialSchemaFor(type: string): { id: string; type: 'JsonSchema' } {
  return { id: lookup(type).definition.schemaUrl, type: 'JsonSchema' };
}

/**
 * The top-level fields a wallet may disclose selectively: the definition's
 * `disclosableFields`, else every subject field but `id`.
 *
 * @example
 * disclosableFieldsFor('HealthInsuranceCard').includes('benefitLevel') // true
 * @throws UnknownCredentialTypeError UNKNOWN_CREDENTIAL_TYPE
 */
export function disclosableFieldsFor(type: string): string[] {
  const { definition } = lookup(type);
  if (definition.disclosableFields !== undefined) return [...definition.disclosableFields];
  const properties = (definition.subjectSchema as { properties?: Record<string, unknown> }).properties ?? {};
  return Object.keys(properties).filter((name) => name !== 'id');
}
